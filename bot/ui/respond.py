"""The one way the bot answers an interaction privately, and tells a member that something
failed (logging it once: a traceback for a bug, one line for a database fault)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.store.faults import DiskFull, StoreError
from bot.ui.text import CONTENT_MAX, MESSAGE_TEXT_MAX, cut

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
ERROR_TEXT = "Sorry, something went wrong on my side. Please try again in a moment."
DISK_FULL_TEXT = "Sorry, I couldn't save that: my storage is full. Please try again later."
PERMISSION_TEXT = "You need the **Manage Server** permission to use this command."


async def respond(
    interaction: discord.Interaction,
    text: str = "",
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """An ephemeral message to whoever interacted: the response, or a followup once answered.
    It pings nobody, and its text is cut to fit a phone (content and embed together)."""
    extra: dict[str, Any] = {}
    if embed is not None:
        extra["embed"] = embed
    if view is not None:
        extra["view"] = view
    room = MESSAGE_TEXT_MAX - (len(embed) if embed is not None else 0)
    content = cut(text, max(1, min(CONTENT_MAX, room))) if text else discord.utils.MISSING
    if interaction.response.is_done():
        await interaction.followup.send(
            content, ephemeral=True, allowed_mentions=NO_MENTIONS, **extra
        )
    else:
        await interaction.response.send_message(
            content, ephemeral=True, allowed_mentions=NO_MENTIONS, **extra
        )


async def replace(
    interaction: discord.Interaction,
    text: str = "",
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Answer a button press by replacing the message it is on (its buttons go, unless
    ``view`` brings new ones): a question the member just answered does not stay on screen.
    ``respond`` when there is no such message to replace."""
    if interaction.message is None or interaction.response.is_done():
        await respond(interaction, text, embed=embed, view=view)
        return
    room = MESSAGE_TEXT_MAX - (len(embed) if embed is not None else 0)
    await interaction.response.edit_message(
        content=cut(text, max(1, min(CONTENT_MAX, room))) if text else None,
        embed=embed,
        view=view,
        allowed_mentions=NO_MENTIONS,
    )


async def tell(interaction: discord.Interaction, text: str) -> None:
    """``respond`` when telling is all that is left to do: a failure to tell is only logged."""
    if interaction.type is discord.InteractionType.autocomplete:
        return  # nothing can be shown to a member who is still typing
    try:
        await respond(interaction, text)
    except discord.HTTPException as exc:
        log.warning("could not tell %s that something failed: %s", interaction.user, exc)


async def report_failure(
    interaction: discord.Interaction, what: str, error: BaseException | None = None
) -> None:
    """Log ``error`` (else the exception being handled) and tell the member briefly.

    A database fault is logged in one line: it says all there is to say. An error that wraps
    another (discord.py's CommandInvokeError) is judged by what it wraps.
    """
    exc = error if error is not None else sys.exc_info()[1]
    cause = getattr(exc, "original", exc)
    if isinstance(cause, StoreError):
        log.warning("%s failed: %s", what, cause)
        text = DISK_FULL_TEXT if isinstance(cause, DiskFull) else ERROR_TEXT
    else:
        log.error("%s failed for %s", what, interaction.user, exc_info=exc or True)
        text = ERROR_TEXT
    await tell(interaction, text)


async def guarded(
    interaction: discord.Interaction, what: str, action: Callable[[], Awaitable[None]]
) -> None:
    """Run a component's action; a failure is reported to the member and logged."""
    try:
        await action()
    except Exception:
        await report_failure(interaction, what)

"""The console's stand-ins for the Discord objects the cogs and components touch: a member,
an interaction with its response and followups. The cogs' own command callbacks, checks and
component handlers run on them unchanged, so the console is the bot, not a copy of it.

They carry what the bot uses (see ``grep -r "interaction\\." bot``): the client, the user
(id, mention, a DM channel), the server and channel, the member's permissions, the message a
component is on, and the response (send, defer, edit, a form) and followups. What the bot
sends goes to ``Outbox.post``, which shows it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import discord

if TYPE_CHECKING:
    from bot.app import RunClubBot

_ids = itertools.count(1000)


def next_id() -> int:
    return next(_ids)


class Outbox(Protocol):
    """Where the console shows what the bot posts (bot.console.session.Console)."""

    def post(
        self,
        *,
        content: str | None,
        embeds: list[discord.Embed],
        view: discord.ui.View | None,
        private: bool,
        message_id: int | None = None,
    ) -> int: ...

    def open_form(self, interaction: ConsoleInteraction, modal: discord.ui.Modal) -> None: ...


@dataclass(frozen=True)
class ConsoleDM:
    id: int


@dataclass(frozen=True)
class ConsoleUser:
    id: int
    name: str
    dm_channel_id: int
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def display_name(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name

    async def create_dm(self) -> ConsoleDM:
        return ConsoleDM(self.dm_channel_id)


@dataclass(frozen=True)
class ConsoleMessage:
    id: int


def _given(value: Any) -> Any:
    return None if value is discord.utils.MISSING else value


def _embeds(embed: Any, embeds: Any) -> list[discord.Embed]:
    out = [embed] if _given(embed) is not None else []
    return out + list(_given(embeds) or [])


class ConsoleResponse:
    """``interaction.response``: the first answer, as Discord allows it once."""

    def __init__(self, interaction: ConsoleInteraction) -> None:
        self._interaction = interaction
        self._done = False

    def is_done(self) -> bool:
        return self._done

    def _answer(self) -> None:
        if self._done:
            raise discord.InteractionResponded(self._interaction)  # type: ignore[arg-type]
        self._done = True

    async def send_message(
        self,
        content: Any = None,
        *,
        embed: Any = discord.utils.MISSING,
        embeds: Any = discord.utils.MISSING,
        view: Any = discord.utils.MISSING,
        ephemeral: bool = False,
        **_: Any,
    ) -> None:
        self._answer()
        self._interaction.shown = self._interaction.outbox.post(
            content=_given(content),
            embeds=_embeds(embed, embeds),
            view=_given(view),
            private=ephemeral,
        )

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False, **_: Any) -> None:
        self._answer()
        self._interaction.private = ephemeral

    async def edit_message(
        self,
        *,
        content: Any = discord.utils.MISSING,
        embed: Any = discord.utils.MISSING,
        view: Any = discord.utils.MISSING,
        **_: Any,
    ) -> None:
        self._answer()
        message = self._interaction.message
        self._interaction.outbox.post(
            content=_given(content),
            embeds=_embeds(embed, discord.utils.MISSING),
            view=_given(view),
            private=self._interaction.private,
            message_id=message.id if message is not None else None,
        )

    async def send_modal(self, modal: discord.ui.Modal, /) -> None:
        self._answer()
        self._interaction.outbox.open_form(self._interaction, modal)


class ConsoleFollowup:
    """``interaction.followup``: messages after the first answer."""

    def __init__(self, interaction: ConsoleInteraction) -> None:
        self._interaction = interaction

    async def send(
        self,
        content: Any = None,
        *,
        embed: Any = discord.utils.MISSING,
        embeds: Any = discord.utils.MISSING,
        view: Any = discord.utils.MISSING,
        ephemeral: bool = False,
        **_: Any,
    ) -> None:
        self._interaction.outbox.post(
            content=_given(content),
            embeds=_embeds(embed, embeds),
            view=_given(view),
            private=ephemeral or self._interaction.private,
        )


@dataclass
class ConsoleInteraction:
    """A slash command, a press of a button or menu, or a form sent, in the console."""

    client: RunClubBot
    outbox: Outbox
    user: ConsoleUser
    guild_id: int | None
    channel_id: int
    permissions: discord.Permissions
    type: discord.InteractionType = discord.InteractionType.application_command
    message: ConsoleMessage | None = None
    private: bool = False  # a message the component is on is private, so is its update
    command: Any = None
    id: int = field(default_factory=next_id)
    shown: int | None = None  # the message the response showed
    response: ConsoleResponse = field(init=False)
    followup: ConsoleFollowup = field(init=False)

    def __post_init__(self) -> None:
        self.response = ConsoleResponse(self)
        self.followup = ConsoleFollowup(self)

    @property
    def guild(self) -> None:
        return None  # the bot reads the server by its id only

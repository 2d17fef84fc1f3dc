"""A member's interaction (slash command, autocomplete, button, select) as a test sees it.

The handle is returned by the double's helpers; its coroutines wait until the bot has
answered through the REST API and return what it sent.
"""

# Test helpers take a timeout: a test waiting for the bot fails with a message, never hangs.
# ruff: noqa: ASYNC109

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.double.server import DiscordDouble

# interaction callback types
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9
EPHEMERAL = 1 << 6


class InteractionHandle:
    """One interaction the double dispatched, and everything the bot did to answer it."""

    def __init__(self, double: DiscordDouble, payload: dict[str, Any]) -> None:
        self.double = double
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.callback: dict[str, Any] | None = None  # the callback request body
        self.original_id: int | None = None  # the message the callback created or updated
        self.followup_ids: list[int] = []
        self.edits: list[dict[str, Any]] = []  # bodies of PATCH .../messages/@original

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.payload['type']}>"

    async def response(self, timeout: float = 2.0) -> dict[str, Any]:
        """The interaction callback the bot sent: {"type": ..., "data": {...}}."""
        await self.double.wait_until(lambda: self.callback is not None, timeout, f"{self} callback")
        assert self.callback is not None
        return self.callback

    async def choices(self, timeout: float = 2.0) -> list[dict[str, Any]]:
        """The autocomplete choices the bot offered."""
        body = await self.response(timeout)
        assert body["type"] == AUTOCOMPLETE_RESULT, body
        return body["data"]["choices"]

    async def followup(self, index: int = 0, timeout: float = 2.0) -> dict[str, Any]:
        """The message stored for the index-th followup the bot sent."""
        await self.double.wait_until(
            lambda: len(self.followup_ids) > index, timeout, f"{self} followup #{index}"
        )
        return self.double.messages[self.followup_ids[index]]

    async def message(self, timeout: float = 2.0) -> dict[str, Any]:
        """The visible answer: the original message once it has content (sent or edited in)."""

        def ready() -> bool:
            if self.original_id is None:
                return False
            msg = self.double.messages[self.original_id]
            return not msg.get("_loading")

        await self.double.wait_until(ready, timeout, f"{self} original message")
        assert self.original_id is not None
        return self.double.messages[self.original_id]

    async def reply(self, timeout: float = 2.0) -> dict[str, Any]:
        """What the member sees first: the original message, or the first followup after a
        deferred-update callback."""
        body = await self.response(timeout)
        if body["type"] in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, UPDATE_MESSAGE):
            return await self.message(timeout)
        return await self.followup(0, timeout)

    @property
    def ephemeral(self) -> bool:
        """Whether the original response was ephemeral (only the member sees it)."""
        if self.callback is None:
            return False
        flags = (self.callback.get("data") or {}).get("flags") or 0
        return bool(flags & EPHEMERAL)

"""The reminder DM sender: one HTTP POST per DM, Discord's answers translated for the delivery.

One request per DM once the member's DM channel id is known (it is opened, and stored,
otherwise). Each daily DM carries its claim's nonce with ``enforce_nonce``, so a retry never
makes a second DM; /remind test's DM carries none, so a test right after the day's reminder
still arrives. Failures become the errors of bot.reminders.errors, saying whether the request
may have created the DM (a 5xx, a timeout) or cannot have (the connection never opened).
Error texts name the failure, never an exception's repr: aiohttp's carry the request headers,
the token among them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import aiohttp
import discord

from bot.core.knowledge import Knowledge
from bot.reminders.errors import DMsClosed, RateLimited, Rejected, Transient, UnknownRecipient
from bot.store import Claim, Store
from bot.store.faults import StoreError
from bot.ui.reminder_buttons import day_pages, reminder_message

log = logging.getLogger(__name__)

_PAGES_KEPT = 64


class DMSender:
    """Sends reminder DMs with its own HTTP session; ``send`` is the dispatcher's sender."""

    def __init__(
        self,
        http: discord.http.HTTPClient,
        store: Store,
        knowledge: Callable[[], Knowledge],
        *,
        timeout_s: float,
    ) -> None:
        self.http = http
        self.store = store
        self.knowledge = knowledge
        self.timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None
        self._pages: dict[tuple[str, date, int, str], list[discord.Embed]] = {}

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, claim: Claim) -> int | None:
        """One DM; returns its message id. A claim with a send record carries its nonce."""
        payload = self._payload(claim)
        nonce = claim.nonce if claim.send_id else None
        channel_id = claim.dm_channel_id or await self._dm_channel(claim.user_id)
        try:
            return await self._post(channel_id, payload, nonce)
        except _StaleChannel:
            pass
        try:
            return await self._post(await self._dm_channel(claim.user_id), payload, nonce)
        except _StaleChannel as exc:
            raise Rejected("the DM channel is unknown, even a new one") from exc

    def _payload(self, claim: Claim) -> bytes:
        """The DM's JSON body: the day's routine under the reminder's name (made once for
        everyone with that routine and name that day), with the reminder's own Stop button.
        Each DM's other pages are rebuilt from its Previous / Next buttons (bot.ui.pages)."""
        knowledge = self.knowledge()
        key = (claim.routine, claim.local_date, id(knowledge), claim.name)
        pages = self._pages.get(key)
        if pages is None:
            pages = day_pages(knowledge, claim.routine, claim.local_date, claim.name)
            if len(self._pages) > _PAGES_KEPT:
                self._pages.clear()
            self._pages[key] = pages
        embed, view = reminder_message(
            knowledge,
            claim.routine,
            claim.local_date,
            claim.subscription_id,
            claim.name,
            pages=pages,
        )
        body = {
            "embeds": [embed.to_dict()],
            "components": view.to_components() if view is not None else [],
            "allowed_mentions": {"parse": []},
        }
        return json.dumps(body, separators=(",", ":")).encode()

    async def _dm_channel(self, user_id: int) -> int:
        """Open the member's DM channel. Its failures cannot have created the DM."""
        try:
            data = await self.http.start_private_message(user_id)
        except discord.Forbidden as exc:
            raise DMsClosed(f"{exc.status} {exc.code}") from exc
        except discord.NotFound as exc:
            raise UnknownRecipient(f"{exc.status} {exc.code}") from exc
        except discord.DiscordServerError as exc:
            raise Transient(f"opening the DM: {exc.status} {exc.code}", maybe_sent=False) from exc
        except discord.HTTPException as exc:
            if exc.status == 429:
                raise RateLimited(_retry_after(exc)) from exc
            raise Rejected(f"opening the DM: {exc.status} {exc.code}: {exc.text}"[:200]) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Transient(f"opening the DM: {describe_failure(exc)}", maybe_sent=False) from exc
        channel_id = int(data["id"])
        try:
            await self.store.set_dm_channel(user_id, channel_id)
        except StoreError as exc:  # only a cache: the DM goes out without it
            log.warning("could not store the DM channel of %s: %s", user_id, exc)
        return channel_id

    async def _post(self, channel_id: int, payload: bytes, nonce: str | None) -> int:
        """POST the DM with our own session. discord.py keeps a rate-limit object per channel
        and scans them all for each new one (300 s lifetime), which makes 10,000 DMs to
        10,000 channels quadratic; the dispatcher paces these requests itself instead."""
        try:
            return await self._post_once(channel_id, _with_nonce(payload, nonce))
        except aiohttp.ClientConnectorError as exc:  # never connected: nothing reached Discord
            raise Transient(describe_failure(exc), maybe_sent=False) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Transient(describe_failure(exc)) from exc

    async def _post_once(self, channel_id: int, body: bytes) -> int:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={
                    "Authorization": f"Bot {self.http.token}",
                    "User-Agent": self.http.user_agent,
                },
                timeout=aiohttp.ClientTimeout(total=self.timeout_s),
            )
        url = f"{discord.http.Route.BASE}/channels/{channel_id}/messages"
        headers = {"Content-Type": "application/json"}
        async with self._session.post(url, data=body, headers=headers) as resp:
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                data = None
            status = resp.status
            retry_header = resp.headers.get("Retry-After")
        answer = data if isinstance(data, dict) else {}
        return _message_id(status, answer, retry_header)


def _message_id(status: int, answer: dict[str, Any], retry_header: str | None) -> int:
    """The DM's id from a successful answer; any other answer raised as what it means."""
    code = answer.get("code", 0)
    if 200 <= status < 300:
        return int(answer["id"])
    detail = f"{status} {code}"
    if status == 429:
        raise RateLimited(float(answer.get("retry_after") or retry_header or 1.0))
    if status == 403:
        raise DMsClosed(detail)
    if status == 404 and code == 10003:
        raise _StaleChannel(detail)
    if status == 404:
        raise UnknownRecipient(detail)
    if status >= 500:
        raise Transient(detail)
    raise Rejected(f"{detail}: {answer.get('message', '')}"[:200])


class _StaleChannel(Exception):
    """404 code 10003: the stored DM channel is gone; open a new one."""


def _with_nonce(payload: bytes, nonce: str | None) -> bytes:
    """The JSON body with this DM's nonce added (the body ends with its closing brace)."""
    if nonce is None:
        return payload
    return payload[:-1] + b',"nonce":"' + nonce.encode() + b'","enforce_nonce":true}'


def describe_failure(exc: BaseException) -> str:
    """What went wrong with a request, without the request: aiohttp's exception texts carry
    its headers, the token among them."""
    if isinstance(exc, TimeoutError):
        return "no answer within the timeout"
    status = getattr(exc, "status", None)
    return f"{type(exc).__name__}" + (f" {status}" if status else "")


def _retry_after(exc: discord.HTTPException) -> float:
    headers = getattr(exc.response, "headers", None) or {}
    for name in ("X-RateLimit-Reset-After", "Retry-After"):
        try:
            return float(headers[name])
        except (KeyError, TypeError, ValueError):
            continue
    return 1.0

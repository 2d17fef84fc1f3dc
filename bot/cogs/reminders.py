"""Opt-in daily reminders by DM: the /remind commands, the DM itself and its buttons.

/remind subscribe|status|pause|resume|unsubscribe|test. The DM carries the day's routine
from knowledge/, the disclaimer, and Done / Skip today / Stop reminders buttons whose state
lives in their custom_id, so they keep working after a restart. The cog owns the one
reminder dispatcher (bot.reminders.dispatcher), started when the bot is ready and stopped
in cog_unload; it
sends through ``send_reminder`` here, one request per DM once the DM channel id is known. Each
daily DM carries its claim's nonce with ``enforce_nonce``, so a retry never makes a second DM;
failures are translated into the dispatcher's terms, saying whether the request may have
created the DM (a 5xx, a timeout) or cannot have (the connection never opened). Error texts
name the failure, never an exception's repr (aiohttp's carry the request headers).

/stretches and /core (the FAQ cog) can offer ``remind_me_button(routine)``: it opens a short
form that leads to the same subscription as /remind subscribe.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands
from discord.ui import DynamicItem

from bot.core.replies import day_routine_reply
from bot.core.schedule import (
    ROUTINES,
    format_time,
    parse_time,
    resolve_zone,
    routine_for,
    zone_choices,
)
from bot.dbfaults import StoreError
from bot.reminders.dispatcher import (
    Dispatcher,
    DMsClosed,
    RateLimited,
    Rejected,
    Transient,
    UnknownRecipient,
)
from bot.store import Claim, Subscription
from bot.ui.render import info_embed, persistent_view, reply_embed
from bot.ui.respond import guarded, report_failure, respond
from bot.ui.text import fit

log = logging.getLogger(__name__)

Routine = Literal["stretches", "core", "both"]
ROUTINE_NAMES = {"stretches": "stretches", "core": "core exercises", "both": "stretches and core"}
DMS_CLOSED_TEXT = (
    "I couldn't DM you: your DMs are closed to me. In this server's Privacy Settings, turn on "
    "Direct Messages, then try /remind test again."
)
NO_SUBSCRIPTION = "You have no daily reminder. Start one with /remind subscribe."


def _bot(interaction: discord.Interaction) -> Any:
    return interaction.client


def _cog(interaction: discord.Interaction) -> Reminders:
    cog = _bot(interaction).get_cog("Reminders")
    if cog is None:
        raise RuntimeError("the Reminders cog is not loaded")
    return cog


def _local(when: datetime, tz: str) -> datetime:
    try:
        return when.astimezone(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):  # a zone this machine no longer knows
        return when.astimezone(ZoneInfo("UTC"))


def _when_text(when: datetime, tz: str) -> str:
    """'Tue 3 Mar, 07:30 (Europe/London)', plus Discord's own relative timestamp."""
    local = _local(when, tz)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} ({tz}), <t:{int(when.timestamp())}:R>"


class Reminders(commands.Cog):
    """Daily stretch and core routines by DM, at each member's local time."""

    remind = app_commands.Group(
        name="remind", description="A daily stretch or core routine by DM, at your local time"
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot: Any = bot
        settings = self.bot.settings
        self.dispatcher = Dispatcher(
            self.bot.store,
            self.send_reminder,
            self.bot.clock,
            grace_s=settings.reminder_grace_s,
            rate_per_s=settings.send_rate_per_s,
        )

        self._session: aiohttp.ClientSession | None = None
        self._payloads: dict[tuple[str, date, int], bytes] = {}

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Started once connected, not at load: `python -m bot sync` loads the cogs and logs
        # in without connecting, and must not send anyone a reminder.
        self.dispatcher.start()

    async def cog_unload(self) -> None:
        await self.dispatcher.stop()
        if self._session is not None:
            await self._session.close()

    # -- the DM ---------------------------------------------------------------------------

    def reminder_message(self, routine: str, day: date) -> tuple[discord.Embed, discord.ui.View]:
        knowledge = self.bot.knowledge
        reply = day_routine_reply(routine_for(day, knowledge), routine, knowledge)
        embed = reply_embed(reply, knowledge)
        embed.set_footer(text="Your daily reminder. /remind status shows your streak.")
        view = persistent_view(DayButton("done", day), DayButton("skip", day), StopButton())
        return fit(embed), view

    def _payload(self, routine: str, day: date) -> bytes:
        """The DM's JSON body; everyone with the same routine gets the same one that day."""
        key = (routine, day, id(self.bot.knowledge))
        payload = self._payloads.get(key)
        if payload is None:
            embed, view = self.reminder_message(routine, day)
            body = {
                "embeds": [embed.to_dict()],
                "components": view.to_components(),
                "allowed_mentions": {"parse": []},
            }
            payload = json.dumps(body, separators=(",", ":")).encode()
            if len(self._payloads) > 64:
                self._payloads.clear()
            self._payloads[key] = payload
        return payload

    async def send_reminder(self, claim: Claim) -> int | None:
        """The dispatcher's sender: one DM, errors translated for the dispatcher.

        A daily reminder (a claim with a send record) carries its nonce; /remind test's DM
        does not, so a test right after the day's reminder still arrives.
        """
        payload = self._payload(claim.routine, claim.local_date)
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

    async def _dm_channel(self, user_id: int) -> int:
        """Open the member's DM channel. Its failures cannot have created the DM."""
        try:
            data = await self.bot.http.start_private_message(user_id)
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
            raise Transient(f"opening the DM: {_failure(exc)}", maybe_sent=False) from exc
        channel_id = int(data["id"])
        try:
            await self.bot.store.set_dm_channel(user_id, channel_id)
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
            raise Transient(_failure(exc), maybe_sent=False) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Transient(_failure(exc)) from exc

    async def _post_once(self, channel_id: int, body: bytes) -> int:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={
                    "Authorization": f"Bot {self.bot.http.token}",
                    "User-Agent": self.bot.http.user_agent,
                },
                timeout=aiohttp.ClientTimeout(total=self.bot.settings.http_timeout_s),
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
        body = data if isinstance(data, dict) else {}
        code = body.get("code", 0)
        if 200 <= status < 300:
            return int(body["id"])
        detail = f"{status} {code}"
        if status == 429:
            raise RateLimited(float(body.get("retry_after") or retry_header or 1.0))
        if status == 403:
            raise DMsClosed(detail)
        if status == 404 and code == 10003:
            raise _StaleChannel(detail)
        if status == 404:
            raise UnknownRecipient(detail)
        if status >= 500:
            raise Transient(detail)
        raise Rejected(f"{detail}: {body.get('message', '')}"[:200])

    # -- subscribing ----------------------------------------------------------------------

    async def subscribe(
        self, interaction: discord.Interaction, time_text: str, routine: str, timezone: str
    ) -> None:
        """Validate, store, answer: shared by /remind subscribe and the Remind me daily form."""
        try:
            local_time = parse_time(time_text)
            zone = resolve_zone(timezone)
        except ValueError as exc:  # ZoneError is a ValueError
            await respond(interaction, str(exc))
            return
        if routine not in ROUTINES:
            await respond(interaction, "Routine must be stretches, core or both.")
            return
        dm_channel_id = None
        try:
            dm_channel_id = (await interaction.user.create_dm()).id
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            # the dispatcher opens it when the first reminder is due
            log.info("could not open a DM with %s yet: %s", interaction.user.id, _failure(exc))
        sub, created = await self.bot.store.subscribe(
            user_id=interaction.user.id,
            dm_channel_id=dm_channel_id,
            local_time=local_time,
            tz=zone.key,
            routine=routine,
            at=self.bot.clock.now(),
        )
        self.dispatcher.poke()
        head = "You're subscribed" if created else "Your reminder is updated"
        body = (
            f"Every day at **{format_time(local_time)}** ({zone.key}) I'll DM you a short "
            f"routine of {ROUTINE_NAMES[routine]}.\n"
            f"Next one: {_when_text(sub.next_due, sub.tz)}\n\n"
            "Use /remind test to check that your DMs are open, /remind pause or "
            "/remind unsubscribe to stop."
        )
        await respond(interaction, embed=info_embed(head, body))

    @remind.command(name="subscribe", description="Get a daily routine by DM at your local time")
    @app_commands.describe(
        time="Your local time, like 07:30, 7:30pm or 19:30",
        routine="What to get: stretches, core exercises, or both",
        timezone="Your time zone, like Europe/London (start typing to search)",
    )
    async def remind_subscribe(
        self,
        interaction: discord.Interaction,
        time: app_commands.Range[str, 0, 40],
        routine: Routine,
        timezone: app_commands.Range[str, 0, 80],
    ) -> None:
        await self.subscribe(interaction, time, routine, timezone)

    @remind_subscribe.autocomplete("timezone")
    async def timezone_complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]

    # -- the other commands ---------------------------------------------------------------

    async def _subscription(self, interaction: discord.Interaction) -> Subscription | None:
        sub = await self.bot.store.subscription(interaction.user.id)
        if sub is None:
            await respond(interaction, NO_SUBSCRIPTION)
        return sub

    @remind.command(name="status", description="Your daily reminder: time, routine, streak")
    async def remind_status(self, interaction: discord.Interaction) -> None:
        sub = await self._subscription(interaction)
        if sub is None:
            return
        now = self.bot.clock.now()
        today = _local(now, sub.tz).date()
        streak, total = await self.bot.store.streak(sub.user_id, today)
        lines = [
            f"**Time:** {format_time(sub.local_time)} ({sub.tz})",
            f"**Routine:** {ROUTINE_NAMES[sub.routine]}",
        ]
        if sub.status == "active":
            lines.append(f"**Next reminder:** {_when_text(sub.next_due, sub.tz)}")
        else:
            lines.append(f"**Paused:** {sub.pause_reason or 'yes'} Use /remind resume to restart.")
        days = "day" if streak == 1 else "days"
        lines.append(f"**Streak:** {streak} {days} in a row ({total} done in all)")
        await respond(interaction, embed=info_embed("Your daily reminder", "\n".join(lines)))

    @remind.command(name="pause", description="Pause your daily reminder (resume any time)")
    async def remind_pause(self, interaction: discord.Interaction) -> None:
        sub = await self._subscription(interaction)
        if sub is None:
            return
        if await self.bot.store.pause(
            sub.user_id, reason="Paused by you.", at=self.bot.clock.now()
        ):
            text = "Your daily reminder is paused. /remind resume starts it again."
        else:
            text = "Your daily reminder is already paused. /remind resume starts it again."
        await respond(interaction, text)

    @remind.command(name="resume", description="Restart your paused daily reminder")
    async def remind_resume(self, interaction: discord.Interaction) -> None:
        sub = await self._subscription(interaction)
        if sub is None:
            return
        if sub.status == "active":
            text = (
                f"Your daily reminder is already on. Next one: {_when_text(sub.next_due, sub.tz)}"
            )
        else:
            try:
                resumed = await self.bot.store.resume(sub.user_id, at=self.bot.clock.now())
            except ValueError:  # ZoneError: a zone this machine no longer knows
                await respond(
                    interaction,
                    f"I can't restart your reminder: the time zone {sub.tz[:60]} is not known on "
                    "my machine any more. Use /remind subscribe with your time zone.",
                )
                return
            self.dispatcher.poke()
            assert resumed is not None
            text = (
                f"Your daily reminder is back on. Next one: {_when_text(resumed.next_due, sub.tz)}"
            )
        await respond(interaction, text)

    @remind.command(name="unsubscribe", description="Stop and delete your daily reminder")
    async def remind_unsubscribe(self, interaction: discord.Interaction) -> None:
        if await self.bot.store.unsubscribe(interaction.user.id):
            self.dispatcher.poke()
            text = "Your daily reminder is deleted. You can subscribe again any time."
        else:
            text = NO_SUBSCRIPTION
        await respond(interaction, text)

    @remind.command(name="test", description="Send today's reminder now, to check your DMs")
    async def remind_test(self, interaction: discord.Interaction) -> None:
        sub = await self.bot.store.subscription(interaction.user.id)
        now = self.bot.clock.now()
        tz = sub.tz if sub else "UTC"
        claim = Claim(
            send_id=0,
            subscription_id=sub.id if sub else 0,
            user_id=interaction.user.id,
            dm_channel_id=sub.dm_channel_id if sub else None,
            routine=sub.routine if sub else "both",
            local_date=_local(now, tz).date(),
            due=now,
        )
        try:
            await self.send_reminder(claim)
        except DMsClosed:
            await respond(interaction, DMS_CLOSED_TEXT)
            return
        except (Transient, RateLimited, Rejected, UnknownRecipient) as exc:
            log.warning("/remind test for %s failed: %s", interaction.user.id, exc)
            await respond(interaction, "Discord didn't take the DM; try again soon.")
            return
        text = "Sent! Check your DMs."
        if sub is None:
            text += " To get one every day, use /remind subscribe."
        await respond(interaction, text)

    # -- notices --------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: app_commands.Command[Any, ..., Any]
    ) -> None:
        """Tell a member what happened while they were away (e.g. reminders paused)."""
        await self._show_notices(interaction)

    async def _show_notices(self, interaction: discord.Interaction) -> None:
        store = getattr(self.bot, "store", None)
        if store is None or not await store.has_notices(interaction.user.id):
            return
        notices = await store.pop_notices(interaction.user.id)
        if notices:
            try:
                await respond(interaction, "\n\n".join(notices))
            except discord.HTTPException as exc:
                log.warning("could not show notices to %s: %s", interaction.user.id, exc)


class _StaleChannel(Exception):
    """404 code 10003: the stored DM channel is gone; open a new one."""


def _with_nonce(payload: bytes, nonce: str | None) -> bytes:
    """The cached JSON body with this DM's nonce added (the body ends with its closing brace)."""
    if nonce is None:
        return payload
    return payload[:-1] + b',"nonce":"' + nonce.encode() + b'","enforce_nonce":true}'


def _failure(exc: BaseException) -> str:
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


# -- buttons and the form ------------------------------------------------------------------

_DAY = r"(?P<day>\d{4}-\d{2}-\d{2})"


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


class DayButton(DynamicItem[discord.ui.Button], template=rf"remind:(?P<action>done|skip):{_DAY}"):
    """Done counts the day towards the member's streak; Skip today marks a rest day, which
    neither counts nor breaks it. Each is recorded once per day."""

    LOOKS: ClassVar[dict[str, tuple[str, str | None, discord.ButtonStyle]]] = {
        "done": ("Done", "✅", discord.ButtonStyle.success),
        "skip": ("Skip today", None, discord.ButtonStyle.secondary),
    }

    def __init__(self, action: str, day: date) -> None:
        label, emoji, style = self.LOOKS[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=style,
                custom_id=f"remind:{action}:{day.isoformat()}",
            )
        )
        self.action = action
        self.day = day

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> DayButton:
        day = _day(match["day"])
        if day is None:
            raise ValueError(f"bad date in a {match['action']} button")
        return cls(match["action"], day)

    async def callback(self, interaction: discord.Interaction) -> None:
        label = self.LOOKS[self.action][0]
        await guarded(interaction, f"{label} button", lambda: self._press(interaction))

    async def _press(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        first = await bot.store.record_routine(
            interaction.user.id, self.day, self.action, at=bot.clock.now()
        )
        if self.action == "skip":
            text = (
                "Rest day noted. Your streak is safe; see you tomorrow."
                if first
                else "That day is already marked."
            )
        else:
            streak, _total = await bot.store.streak(interaction.user.id, self.day)
            days = "day" if streak == 1 else "days"
            text = (
                f"Nice work! Streak: {streak} {days} in a row."
                if first
                else f"Already counted for that day. Streak: {streak} {days} in a row."
            )
        await respond(interaction, text)


class StopButton(DynamicItem[discord.ui.Button], template=r"remind:stop"):
    """Stop reminders: deletes the subscription, as /remind unsubscribe does."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Stop reminders", style=discord.ButtonStyle.danger, custom_id="remind:stop"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> StopButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "Stop button", lambda: self._stop(interaction))

    async def _stop(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        if await cog.bot.store.unsubscribe(interaction.user.id):
            cog.dispatcher.poke()
            text = "Reminders stopped; I won't DM you again. /remind subscribe starts them again."
        else:
            text = "You have no daily reminder, so there is nothing to stop."
        await respond(interaction, text)


class SubscribeForm(discord.ui.Modal):
    """The short form behind the Remind me daily button: time and time zone."""

    time_input: discord.ui.TextInput[SubscribeForm] = discord.ui.TextInput(
        label="Time (your local time)",
        placeholder="07:30, 7:30pm or 19:30",
        max_length=20,
        custom_id="time",
    )
    zone_input: discord.ui.TextInput[SubscribeForm] = discord.ui.TextInput(
        label="Time zone",
        placeholder="Europe/London, America/New_York…",
        max_length=60,
        custom_id="timezone",
    )

    def __init__(self, routine: str) -> None:
        super().__init__(
            title=f"Daily {ROUTINE_NAMES.get(routine, 'routine')} by DM",
            custom_id=f"remind:form:{routine}",
        )
        self.routine = routine

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).subscribe(
            interaction, self.time_input.value, self.routine, self.zone_input.value
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report_failure(interaction, "subscribe form", error)


class RemindMeButton(
    DynamicItem[discord.ui.Button], template=r"remind:start:(?P<routine>stretches|core|both)"
):
    """Remind me daily (under /stretches and /core): opens the subscribe form."""

    def __init__(self, routine: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Remind me daily",
                emoji="⏰",
                style=discord.ButtonStyle.primary,
                custom_id=f"remind:start:{routine}",
            )
        )
        self.routine = routine

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> RemindMeButton:
        return cls(match["routine"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await start_subscribe(interaction, self.routine)


async def start_subscribe(interaction: discord.Interaction, routine: str) -> None:
    """Open the subscribe form for ``routine`` (the Remind me daily flow)."""
    await interaction.response.send_modal(SubscribeForm(routine))


def remind_me_button(routine: str) -> discord.ui.Item[Any]:
    """The Remind me daily button, for the FAQ cog's /stretches and /core messages."""
    return RemindMeButton(routine if routine in ROUTINES else "both")


DYNAMIC_ITEMS = (DayButton, StopButton, RemindMeButton)


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Reminders(bot))

"""An offline double of Discord: REST API v10 and gateway, served by aiohttp on 127.0.0.1.

It speaks enough of both for discord.py 2.7 to log in, receive events and answer them,
records every REST request the bot makes, and can inject faults (429, 500, a dropped
gateway, closed DMs, unknown users, a global rate limit, a redirect loop, and the two
ambiguous ones: a message stored and then answered with an error, or answered late).
Message creation honours ``nonce`` and ``enforce_nonce`` as Discord documents them. Tests
drive it through the helpers at the bottom of ``DiscordDouble``.
"""

# Test helpers take a timeout: a test waiting for the bot fails with a message, never hangs.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.double.interactions import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    EPHEMERAL,
    UPDATE_MESSAGE,
    InteractionHandle,
)
from tests.double.limits import PHONE_TEXT, choice_problems, message_problems, text_total
from tests.double.model import (
    ADMIN_PERMISSIONS,
    INTENT_MESSAGE_CONTENT,
    MEMBER_PERMISSIONS,
    Channel,
    Guild,
    User,
    iso_now,
    snowflake,
)

API_PREFIX = "/api/v10"


def api_base(host: str, port: int) -> str:
    return f"http://{host}:{port}{API_PREFIX}"


def gateway_url(host: str, port: int) -> str:
    return f"ws://{host}:{port}/gateway"


def point_discord_at(host: str, port: int) -> None:
    """Send this process's discord.py to a double at host:port: the two attributes design.md
    names (for a bot in a child process; the ``double`` fixture patches them in tests)."""
    import discord
    import yarl

    discord.http.Route.BASE = api_base(host, port)
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url(host, port))


TOKEN = "MTIz.double-secret.token-never-logged"  # the only bot token the double accepts

# Discord: "If true and nonce is present, it will be checked for uniqueness in the past few
# minutes. If another message was created by the same author with the same nonce, that
# message will be returned and no new message will be created." No figure is published;
# the double takes the low reading of "a few" (tests may change DiscordDouble.nonce_window_s).
NONCE_WINDOW_S = 180.0
NONCE_MAX_LENGTH = 25

Json = Any
Handler = Callable[["Request", re.Match[str]], Awaitable[web.Response]]


@dataclass
class Request:
    """One REST request the bot made, and what the double answered."""

    method: str
    path: str  # without the /api/v10 prefix, e.g. /channels/123/messages
    query: dict[str, str]
    json: Json
    headers: dict[str, str]
    at: float  # time.perf_counter() when it arrived
    status: int = 0

    def matches(self, method: str, template: str) -> bool:
        return self.method == method and _template_re(template).fullmatch(self.path) is not None

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path} -> {self.status}>"


@dataclass
class Fault:
    """An injected answer. ``after``: the route's handler runs first (a message is created),
    then the double answers ``status`` instead, or (status 0) answers late by ``delay``."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float
    code: int
    via: bool
    hits: int = 0
    after: bool = False
    delay: float = 0.0


@dataclass
class GatewayFrame:
    """A gateway payload the bot sent (IDENTIFY, RESUME, HEARTBEAT...)."""

    op: int
    data: Json
    path: str


@dataclass
class _Session:
    """One gateway session: one per shard the bot identified (shard 0 when unsharded)."""

    id: str
    shard: int = 0
    seq: int = 0
    resumable: bool = True
    sent: list[dict[str, Any]] = field(default_factory=list)  # dispatched events, for replay
    ws: web.WebSocketResponse | None = None


_TEMPLATE_CACHE: dict[str, re.Pattern[str]] = {}


def _template_re(template: str) -> re.Pattern[str]:
    """'/channels/{id}/messages' -> a regex where each {name} is one path segment."""
    pattern = _TEMPLATE_CACHE.get(template)
    if pattern is None:
        parts = re.split(r"\{[^}]*\}", template)
        pattern = re.compile("[^/]+".join(re.escape(p) for p in parts))
        _TEMPLATE_CACHE[template] = pattern
    return pattern


def json_response(
    data: Json, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py only parses a body as JSON when Content-Type is exactly application/json
    hdrs = {"Content-Type": "application/json"}
    if headers:
        hdrs.update(headers)
    return web.Response(body=json.dumps(data).encode(), status=status, headers=hdrs)


def error_response(status: int, code: int, message: str) -> web.Response:
    return json_response({"message": message, "code": code}, status)


def invalid_form(problems: list[str]) -> web.Response:
    return error_response(400, 50035, "Invalid Form Body: " + "; ".join(problems))


class DiscordDouble:
    """The fake Discord. ``await start()``, point discord.py at ``api_base``/``gateway_url``."""

    def __init__(self) -> None:
        self.app_id = snowflake()
        self.bot = User(snowflake(), "RunClubBot", bot=True)
        self.owner = User(snowflake(), "club-owner", permissions=ADMIN_PERMISSIONS)
        self.admin = User(snowflake(), "club-admin", permissions=ADMIN_PERMISSIONS)
        self.member = User(snowflake(), "runner-rita")
        self.other_member = User(snowflake(), "runner-omar")
        self.users: dict[int, User] = {
            u.id: u for u in (self.bot, self.owner, self.admin, self.member, self.other_member)
        }
        self.guild = Guild(snowflake(), "Riverside Running Club", self.owner.id)
        for name in ("general", "running-questions", "race-day"):
            self.guild.channels[name] = Channel(snowflake(), name, self.guild.id)
        self.guilds: dict[int, Guild] = {self.guild.id: self.guild}
        self.channels: dict[int, Channel] = {c.id: c for c in self.guild.channels.values()}
        self._dm_channels: dict[int, Channel] = {}  # by user id
        self._by_channel: dict[str, list[dict[str, Any]]] = {}  # the bot's messages
        self._replies: dict[str, dict[str, Any]] = {}  # the bot's reply, by message replied to
        self.member_messages: dict[str, dict[str, Any]] = {}  # what members posted, by id

        # what the bot did
        self.requests: list[Request] = []
        self.gateway_frames: list[GatewayFrame] = []
        self.messages: dict[int, dict[str, Any]] = {}  # every message the bot created
        self.interactions: dict[str, InteractionHandle] = {}  # by token
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self.identify: dict[str, Any] | None = None
        self.count_429 = 0
        self.internal_errors: list[str] = []  # bugs in the double itself
        self.rejected: list[tuple[Request, list[str]]] = []  # bodies over Discord's limits
        # messages over PHONE_TEXT characters in all, as (message id, total): every test fails
        # on one (tests/conftest.py); phone_text_max = None lets a test send one on purpose
        self.too_long: list[tuple[str, int]] = []
        self.phone_text_max: int | None = PHONE_TEXT
        self.nonce_hits = 0  # message POSTs answered with the message a nonce already made
        self.redirects = 0  # redirect answers served (redirect_loop)

        # faults and limits
        self.faults: list[Fault] = []
        self.dm_closed: set[int] = set()  # users whose DMs answer 403 code 50007
        self.unknown_users: set[int] = set()  # users that answer 404 code 10013
        self.global_limit: float | None = None  # requests per second, None: unlimited
        self.message_content_allowed = True  # False: IDENTIFY with that intent gets 4014
        self.echo_own_messages = True  # dispatch MESSAGE_CREATE for the bot's own messages
        self.nonce_window_s = NONCE_WINDOW_S
        self._nonces: dict[tuple[int, str], tuple[float, int]] = {}  # (author, nonce) -> made
        self._window: deque[float] = deque()

        self._sessions: dict[int, _Session] = {}  # by shard id
        self.shard_count = 1  # as the bot's last IDENTIFY said
        self._ws_lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._build_routes()

    # ---- lifecycle -------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway-resume", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for session in self._sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_base(self) -> str:
        return api_base(self.host, self.port)

    @property
    def gateway_url(self) -> str:
        return gateway_url(self.host, self.port)

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway-resume"

    # ---- waiting ---------------------------------------------------------------------

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_until(
        self, predicate: Callable[[], Any], timeout: float = 2.0, what: str = "condition"
    ) -> Any:
        """Wait until predicate() is truthy (re-checked whenever the double sees something)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_for_request(
        self,
        predicate: Callable[[Request], bool],
        timeout: float = 2.0,
        *,
        since: int = 0,
    ) -> Request:
        """The first request from index ``since`` on (see ``mark()``) that satisfies predicate."""

        cursor = since  # requests before it are answered and did not match

        def find() -> Request | None:
            nonlocal cursor
            pending = False
            for i in range(cursor, len(self.requests)):
                r = self.requests[i]
                if not r.status:
                    pending = True
                    continue
                if predicate(r):
                    return r
                if not pending:
                    cursor = i + 1
            return None

        return await self.wait_until(find, timeout, "a matching request")

    def mark(self) -> int:
        """An index into ``requests``: pass it as ``since`` to look only at later requests."""
        return len(self.requests)

    def requests_to(self, method: str, template: str, *, since: int = 0) -> list[Request]:
        return [r for r in self.requests[since:] if r.matches(method, template)]

    # ---- REST ------------------------------------------------------------------------

    def _build_routes(self) -> None:
        add = self._routes.append
        add(("GET", _template_re("/users/@me"), self._get_me))
        add(("GET", _template_re("/oauth2/applications/@me"), self._get_app))
        add(("GET", _template_re("/gateway/bot"), self._get_gateway_bot))
        add(("GET", _template_re("/gateway"), self._get_gateway_bot))
        add(("POST", _template_re("/users/@me/channels"), self._create_dm))
        add(("GET", _template_re("/users/{id}"), self._get_user))
        add(("POST", _template_re("/channels/{id}/messages"), self._create_message))
        add(("POST", _template_re("/channels/{id}/typing"), self._typing))
        add(("GET", _template_re("/channels/{id}/messages/{mid}"), self._get_message))
        add(("PATCH", _template_re("/channels/{id}/messages/{mid}"), self._edit_message))
        add(("DELETE", _template_re("/channels/{id}/messages/{mid}"), self._delete_message))
        add(("GET", _template_re("/channels/{id}"), self._get_channel))
        add(("POST", _template_re("/interactions/{id}/{token}/callback"), self._callback))
        add(("POST", _template_re("/webhooks/{app}/{token}"), self._followup))
        add(("GET", _template_re("/webhooks/{app}/{token}/messages/{mid}"), self._webhook_get))
        add(("PATCH", _template_re("/webhooks/{app}/{token}/messages/{mid}"), self._webhook_edit))
        add(("DELETE", _template_re("/webhooks/{app}/{token}/messages/{mid}"), self._webhook_del))
        add(("PUT", _template_re("/applications/{app}/commands"), self._put_commands))
        add(("GET", _template_re("/applications/{app}/commands"), self._get_commands))
        add(("PUT", _template_re("/applications/{app}/guilds/{gid}/commands"), self._put_commands))
        add(("GET", _template_re("/applications/{app}/guilds/{gid}/commands"), self._get_commands))

    async def _rest(self, http: web.Request) -> web.Response:
        path = "/" + http.match_info["tail"]
        body: Json = None
        if http.can_read_body:
            if http.content_type == "multipart/form-data":
                form = await http.post()
                raw = form.get("payload_json")
                body = json.loads(raw) if isinstance(raw, str) else None
            else:
                text = await http.text()
                body = json.loads(text) if text else None
        req = Request(
            http.method, path, dict(http.query), body, dict(http.headers), time.perf_counter()
        )
        self.requests.append(req)
        try:
            resp = await self._answer(req)
        except Exception as exc:
            # a bug in the double: answer 400 (not retried) and let the fixture fail the test
            self.internal_errors.append(f"{req.method} {req.path}: {exc!r}")
            resp = error_response(400, 0, f"the double failed: {exc!r}")
        req.status = resp.status
        if req.status == 429:
            self.count_429 += 1
        self._notify()
        return resp

    async def _answer(self, req: Request) -> web.Response:
        is_interaction = req.path.startswith(("/interactions/", "/webhooks/"))
        if not is_interaction and req.headers.get("Authorization") != f"Bot {TOKEN}":
            return error_response(401, 0, "401: Unauthorized")
        limited = self._global_limited(req, is_interaction)
        if limited is not None:
            return limited
        late: Fault | None = None
        for fault in self.faults:
            if (
                fault.hits < fault.times
                and req.method == fault.method
                and fault.pattern.fullmatch(req.path)
            ):
                fault.hits += 1
                if not fault.after:
                    return self._fault_response(fault, req)
                late = fault
                break
        for method, pattern, handler in self._routes:
            if method == req.method:
                m = pattern.fullmatch(req.path)
                if m:
                    resp = await handler(req, m)
                    if late is None:
                        return resp
                    if late.delay:
                        # the work is done; the answer comes after the client gave up on it
                        await asyncio.sleep(late.delay)
                        return resp
                    return self._fault_response(late, req)
        return error_response(404, 0, f"404: Not Found (the double has no {req.method} {req.path})")

    def _fault_response(self, fault: Fault, req: Request) -> web.Response:
        if fault.status in (301, 302, 307, 308):
            # back to the same address: a client that follows redirects loops until its limit
            self.redirects += 1
            location = f"{self.api_base}{req.path}"
            return web.Response(status=fault.status, headers={"Location": location})
        if fault.status == 429:
            headers = {"Retry-After": str(max(1, round(fault.retry_after)))}
            if fault.via:
                headers["Via"] = "1.1 google"
            body = {
                "message": "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": False,
            }
            return json_response(body, 429, headers)
        return error_response(fault.status, fault.code, f"{fault.status}: injected by the double")

    def _global_limited(self, req: Request, is_interaction: bool) -> web.Response | None:
        if self.global_limit is None or req.path.startswith("/interactions/"):
            return None
        now = time.monotonic()
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        if len(self._window) >= self.global_limit:
            retry_after = max(0.001, 1.0 - (now - self._window[0]))
            body = {"message": "You are being rate limited.", "retry_after": retry_after}
            body["global"] = True
            headers = {"Via": "1.1 google", "X-RateLimit-Global": "true"}
            headers["X-RateLimit-Scope"] = "global"
            return json_response(body, 429, headers)
        self._window.append(now)
        return None

    async def _get_me(self, req: Request, m: re.Match[str]) -> web.Response:
        return json_response(
            {**self.bot.payload(), "verified": True, "mfa_enabled": False, "email": None}
        )

    async def _get_app(self, req: Request, m: re.Match[str]) -> web.Response:
        return json_response(
            {
                "id": str(self.app_id),
                "name": self.bot.name,
                "icon": None,
                "description": "Running club FAQ bot",
                "rpc_origins": [],
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": self.owner.payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED
                "bot": self.bot.payload(),
                "summary": "",
                "tags": [],
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "approximate_guild_count": len(self.guilds),
            }
        )

    async def _get_gateway_bot(self, req: Request, m: re.Match[str]) -> web.Response:
        return json_response(
            {
                "url": f"ws://{self.host}:{self.port}",
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _create_dm(self, req: Request, m: re.Match[str]) -> web.Response:
        user_id = int((req.json or {}).get("recipient_id", 0))
        user = self.users.get(user_id)
        if user is None or user_id in self.unknown_users:
            return error_response(404, 10013, "Unknown User")
        channel = self.dm_channel(user)
        return json_response(channel.payload())

    async def _get_user(self, req: Request, m: re.Match[str]) -> web.Response:
        user = self.users.get(_id(req.path.rsplit("/", 1)[1]))
        if user is None or user.id in self.unknown_users:
            return error_response(404, 10013, "Unknown User")
        return json_response(user.payload())

    async def _get_channel(self, req: Request, m: re.Match[str]) -> web.Response:
        channel = self.channels.get(_id(req.path.split("/")[2]))
        if channel is None:
            return error_response(404, 10003, "Unknown Channel")
        return json_response(channel.payload())

    async def _typing(self, req: Request, m: re.Match[str]) -> web.Response:
        return web.Response(status=204)

    async def _create_message(self, req: Request, m: re.Match[str]) -> web.Response:
        channel = self.channels.get(_id(req.path.split("/")[2]))
        if channel is None:
            return error_response(404, 10003, "Unknown Channel")
        if channel.is_dm and channel.recipient and channel.recipient.id in self.dm_closed:
            return error_response(403, 50007, "Cannot send messages to this user")
        body = req.json or {}
        if not (body.get("content") or body.get("embeds") or body.get("components")):
            return error_response(400, 50006, "Cannot send an empty message")
        nonce = body.get("nonce")
        problems = message_problems(body)
        if nonce is not None and (
            isinstance(nonce, bool)
            or not isinstance(nonce, str | int)
            or len(str(nonce)) > NONCE_MAX_LENGTH
        ):
            problems.append(f"nonce: an integer or a string of at most {NONCE_MAX_LENGTH}")
        rejected = self._reject(req, problems)
        if rejected is not None:
            return rejected
        if nonce is not None:
            key = (self.bot.id, str(nonce))
            made = self._nonces.get(key)
            fresh = made is not None and time.monotonic() - made[0] < self.nonce_window_s
            if body.get("enforce_nonce") and fresh:
                assert made is not None
                self.nonce_hits += 1
                return json_response(_public(self.messages[made[1]]))
        msg = self._store_message(body, channel)
        if nonce is not None:
            msg["nonce"] = nonce
            self._nonces[(self.bot.id, str(nonce))] = (time.monotonic(), msg["_id"])
        if self.echo_own_messages:
            self._spawn(self.dispatch("MESSAGE_CREATE", self._event_message(msg)))
        return json_response(msg)

    async def _get_message(self, req: Request, m: re.Match[str]) -> web.Response:
        msg = self.messages.get(_id(req.path.split("/")[4]))
        if msg is None:
            return error_response(404, 10008, "Unknown Message")
        return json_response(_public(msg))

    async def _edit_message(self, req: Request, m: re.Match[str]) -> web.Response:
        msg = self.messages.get(_id(req.path.split("/")[4]))
        if msg is None:
            return error_response(404, 10008, "Unknown Message")
        rejected = self._reject(req, message_problems(req.json or {}))
        if rejected is not None:
            return rejected
        self._apply_edit(msg, req.json or {})
        return json_response(_public(msg))

    async def _delete_message(self, req: Request, m: re.Match[str]) -> web.Response:
        msg = self.messages.get(_id(req.path.split("/")[4]))
        if msg is None:
            return error_response(404, 10008, "Unknown Message")
        msg["_deleted"] = True
        return web.Response(status=204)

    async def _callback(self, req: Request, m: re.Match[str]) -> web.Response:
        _, _, iid, token, _ = req.path.split("/")
        handle = self.interactions.get(token)
        if handle is None or handle.id != _id(iid):
            return error_response(404, 10062, "Unknown interaction")
        if handle.callback is not None:
            return error_response(400, 40060, "Interaction has already been acknowledged.")
        body = req.json or {}
        kind = body.get("type")
        data = body.get("data") or {}
        if kind == AUTOCOMPLETE_RESULT:
            problems = choice_problems(data.get("choices") or [])
        else:
            problems = message_problems(data)
        rejected = self._reject(req, problems)
        if rejected is not None:
            return rejected
        handle.callback = body
        flags = int(data.get("flags") or 0)
        interaction: dict[str, Any] = {"id": str(handle.id), "type": handle.payload["type"]}
        result: dict[str, Any] = {"interaction": interaction}
        channel = self._interaction_channel(handle)
        msg: dict[str, Any] | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            msg = self._store_message(data, channel, interaction_token=handle.token)
            if kind == DEFERRED_CHANNEL_MESSAGE:
                msg["_loading"] = True
                msg["flags"] = flags | 128  # LOADING
            handle.original_id = msg["_id"]
        elif kind == UPDATE_MESSAGE:
            msg = self.messages.get(_id((handle.payload.get("message") or {}).get("id", "0")))
            if msg is None:
                return error_response(400, 0, "UPDATE_MESSAGE without a message the bot sent")
            self._apply_edit(msg, data)
            handle.original_id = msg["_id"]
        elif kind == DEFERRED_UPDATE_MESSAGE:
            handle.original_id = _id((handle.payload.get("message") or {}).get("id", "0")) or None
        if msg is not None:
            interaction["response_message_id"] = msg["id"]
            interaction["response_message_loading"] = kind == DEFERRED_CHANNEL_MESSAGE
            interaction["response_message_ephemeral"] = bool(flags & EPHEMERAL)
            result["resource"] = {"type": kind, "message": _public(msg)}
        elif kind != AUTOCOMPLETE_RESULT:
            result["resource"] = {"type": kind}
        return json_response(result)

    async def _followup(self, req: Request, m: re.Match[str]) -> web.Response:
        _, _, app, token = req.path.split("/")
        handle = self.interactions.get(token)
        if handle is None or _id(app) != self.app_id:
            return error_response(404, 10015, "Unknown Webhook")
        if handle.callback is None:
            return error_response(404, 10015, "Unknown Webhook")
        body = req.json or {}
        rejected = self._reject(req, message_problems(body))
        if rejected is not None:
            return rejected
        if handle.original_id is not None and self.messages[handle.original_id].get("_loading"):
            # the first followup after a deferred response fills in the loading message
            msg = self.messages[handle.original_id]
            msg.pop("_loading", None)
            self._apply_edit(msg, body)
            msg["flags"] = int(body.get("flags") or 0) | (msg["flags"] & EPHEMERAL)
        else:
            msg = self._store_message(
                body, self._interaction_channel(handle), interaction_token=token
            )
        handle.followup_ids.append(msg["_id"])
        return json_response(_public(msg))

    def _webhook_message(self, req: Request) -> tuple[InteractionHandle | None, int | None]:
        parts = req.path.split("/")
        handle = self.interactions.get(parts[3])
        if handle is None:
            return None, None
        mid = handle.original_id if parts[5] == "@original" else _id(parts[5])
        return handle, mid

    async def _webhook_get(self, req: Request, m: re.Match[str]) -> web.Response:
        handle, mid = self._webhook_message(req)
        if handle is None or mid is None or mid not in self.messages:
            return error_response(404, 10008, "Unknown Message")
        return json_response(_public(self.messages[mid]))

    async def _webhook_edit(self, req: Request, m: re.Match[str]) -> web.Response:
        handle, mid = self._webhook_message(req)
        if handle is None or mid is None or mid not in self.messages:
            return error_response(404, 10008, "Unknown Message")
        rejected = self._reject(req, message_problems(req.json or {}))
        if rejected is not None:
            return rejected
        msg = self.messages[mid]
        if mid == handle.original_id:
            handle.edits.append(req.json or {})
            msg.pop("_loading", None)
            msg["flags"] = msg.get("flags", 0) & ~128
        self._apply_edit(msg, req.json or {})
        return json_response(_public(msg))

    async def _webhook_del(self, req: Request, m: re.Match[str]) -> web.Response:
        handle, mid = self._webhook_message(req)
        if handle is None or mid is None or mid not in self.messages:
            return error_response(404, 10008, "Unknown Message")
        self.messages[mid]["_deleted"] = True
        return web.Response(status=204)

    async def _put_commands(self, req: Request, m: re.Match[str]) -> web.Response:
        parts = req.path.split("/")
        if _id(parts[2]) != self.app_id:
            return error_response(403, 50035, "Invalid application")
        guild_id = _id(parts[4]) if len(parts) > 4 and parts[3] == "guilds" else None
        stored = []
        for cmd in req.json or []:
            full = {
                "id": str(snowflake()),
                "application_id": str(self.app_id),
                "version": str(snowflake()),
                "type": cmd.get("type", 1),
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                "options": [],
                **cmd,
            }
            full["description"] = cmd.get("description", "")
            if guild_id is not None:
                full["guild_id"] = str(guild_id)
            stored.append(full)
        self.commands[guild_id] = stored
        return json_response(stored)

    async def _get_commands(self, req: Request, m: re.Match[str]) -> web.Response:
        parts = req.path.split("/")
        guild_id = _id(parts[4]) if len(parts) > 4 and parts[3] == "guilds" else None
        return json_response(self.commands.get(guild_id, []))

    def _reject(self, req: Request, problems: list[str]) -> web.Response | None:
        if not problems:
            return None
        self.rejected.append((req, problems))
        return invalid_form(problems)

    # ---- messages --------------------------------------------------------------------

    def _store_message(
        self, body: dict[str, Any], channel: Channel, *, interaction_token: str | None = None
    ) -> dict[str, Any]:
        mid = snowflake()
        msg: dict[str, Any] = {
            "id": str(mid),
            "type": 19 if body.get("message_reference") else 0,
            "channel_id": str(channel.id),
            "author": self.bot.payload(),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": bool(body.get("tts")),
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "flags": int(body.get("flags") or 0),
            # kept for assertions; stripped from what the bot gets back
            "_id": mid,
            "_allowed_mentions": body.get("allowed_mentions"),
            "_interaction_token": interaction_token,
        }
        if channel.guild_id is not None:
            msg["guild_id"] = str(channel.guild_id)
        if body.get("message_reference"):
            ref = body["message_reference"]
            msg["message_reference"] = {
                k: str(v) if k.endswith("_id") and v is not None else v for k, v in ref.items()
            }
        if interaction_token is not None:
            msg["webhook_id"] = str(self.app_id)
            msg["application_id"] = str(self.app_id)
        self.messages[mid] = msg
        self._check_phone(msg)
        self._by_channel.setdefault(msg["channel_id"], []).append(msg)
        if "message_reference" in msg:
            self._replies.setdefault(str(msg["message_reference"].get("message_id")), msg)
        return msg

    def _apply_edit(self, msg: dict[str, Any], body: dict[str, Any]) -> None:
        for key in ("content", "embeds", "components"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "allowed_mentions" in body:
            msg["_allowed_mentions"] = body["allowed_mentions"]
        msg["edited_timestamp"] = iso_now()
        self._check_phone(msg)

    def _check_phone(self, msg: dict[str, Any]) -> None:
        """Note a message (as created, or as an edit left it) with more text than a phone
        screen's worth (PHONE_TEXT)."""
        total = text_total(msg)
        if self.phone_text_max is not None and total > self.phone_text_max:
            self.too_long.append((msg["id"], total))

    def _interaction_channel(self, handle: InteractionHandle) -> Channel:
        return self.channels[int(handle.payload["channel_id"])]

    def _event_message(self, msg: dict[str, Any]) -> dict[str, Any]:
        data = _public(msg)
        if "guild_id" in data:
            data["member"] = self.bot.member_payload(with_user=False)
        return data

    def sent_messages(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot created, oldest first (optionally in one channel)."""
        if channel_id is None:
            return list(self.messages.values())
        return list(self._by_channel.get(str(channel_id), ()))

    async def wait_for_reply(self, message: dict[str, Any], timeout: float = 2.0) -> dict[str, Any]:
        """The message the bot sent as a reply to ``message`` (a member's message payload)."""

        def find() -> dict[str, Any] | None:
            return self._replies.get(str(message["id"]))

        return await self.wait_until(find, timeout, f"a reply to message {message['id']}")

    async def wait_for_message(
        self,
        channel_id: int,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 2.0,
    ) -> dict[str, Any]:
        """The first message the bot created in a channel (that satisfies predicate)."""

        def find() -> dict[str, Any] | None:
            for m in self.sent_messages(channel_id):
                if predicate is None or predicate(m):
                    return m
            return None

        return await self.wait_until(find, timeout, f"a message in channel {channel_id}")

    def pings(self, message: dict[str, Any]) -> set[str]:
        """Whom a message the bot sent notifies, by Discord's rules for content mentions and
        allowed_mentions (embeds never ping): "everyone", "user:ID", "role:ID", "reply:ID"."""
        content = message.get("content") or ""
        users = set(re.findall(r"<@!?(\d+)>", content))
        roles = set(re.findall(r"<@&(\d+)>", content))
        allowed = message.get("_allowed_mentions")
        if allowed is None:  # Discord's default: everything in the content pings
            parse, ok_users, ok_roles, replied = {"users", "roles", "everyone"}, set(), set(), True
        else:
            parse = set(allowed.get("parse") or [])
            ok_users = {str(u) for u in allowed.get("users") or []}
            ok_roles = {str(r) for r in allowed.get("roles") or []}
            replied = bool(allowed.get("replied_user"))
        found = {f"user:{u}" for u in users if "users" in parse or u in ok_users}
        found |= {f"role:{r}" for r in roles if "roles" in parse or r in ok_roles}
        if ("@everyone" in content or "@here" in content) and "everyone" in parse:
            found.add("everyone")
        ref = (message.get("message_reference") or {}).get("message_id")
        original = self.member_messages.get(str(ref)) if ref else None
        if replied and original is not None:
            found.add(f"reply:{original['author']['id']}")
        return found

    def dm_channel(self, user: User) -> Channel:
        """The DM channel between the bot and ``user`` (created on first use)."""
        channel = self._dm_channels.get(user.id)
        if channel is None:
            channel = Channel(snowflake(), f"dm-{user.name}", None, user)
            self.channels[channel.id] = channel
            self._dm_channels[user.id] = channel
        return channel

    # ---- faults ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        template: str,
        status: int = 429,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        code: int = 0,
        via: bool = True,
    ) -> Fault:
        """The next ``times`` requests to the route answer ``status``. A 429 carries a Via
        header (unless via=False) and a JSON retry_after, as Discord's do."""
        fault = Fault(method, _template_re(template), status, times, retry_after, code, via)
        self.faults.append(fault)
        return fault

    def fail_after_handling(
        self, method: str, template: str, status: int = 502, *, times: int = 1, code: int = 0
    ) -> Fault:
        """The next ``times`` requests to the route are carried out (a message is created)
        and then answered ``status``: the ambiguous failure a retry must not duplicate."""
        fault = Fault(method, _template_re(template), status, times, 0.0, code, False)
        fault.after = True
        self.faults.append(fault)
        return fault

    def answer_late(self, method: str, template: str, delay: float, *, times: int = 1) -> Fault:
        """The next ``times`` requests to the route are carried out at once, and answered
        only ``delay`` seconds later (longer than the client waits: it times out)."""
        fault = Fault(method, _template_re(template), 0, times, 0.0, 0, False)
        fault.after, fault.delay = True, delay
        self.faults.append(fault)
        return fault

    def redirect_loop(self, method: str, template: str, *, times: int = 1000) -> Fault:
        """Requests to the route are redirected (307) to themselves, ``times`` times in all:
        aiohttp follows 10 and raises TooManyRedirects, whose text carries the headers."""
        fault = Fault(method, _template_re(template), 307, times, 0.0, 0, False)
        self.faults.append(fault)
        return fault

    async def drop_gateway(self, code: int = 4000, *, resumable: bool = True) -> None:
        """Close the gateway socket (Discord's 4000 'unknown error'); the bot should RESUME.

        With resumable=False the session is gone: RESUME gets INVALID_SESSION (op 9) and
        the bot must IDENTIFY afresh (events sent meanwhile are lost, as on Discord);
        discord.py waits 5 s (real time) before such a second IDENTIFY."""
        for session in list(self._sessions.values()):
            if not resumable:
                session.resumable = False
            ws = session.ws
            if ws is not None and not ws.closed:
                await ws.close(code=code, message=b"dropped by the double")

    # ---- gateway ---------------------------------------------------------------------

    async def _gateway(self, http: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(http)
        path = http.path
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                break
            payload = json.loads(frame.data)
            op, data = payload.get("op"), payload.get("d")
            self.gateway_frames.append(GatewayFrame(op, data, path))
            if op == 1:  # heartbeat
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                await self._on_identify(ws, data or {})
            elif op == 6:
                await self._on_resume(ws, data or {})
            self._notify()
        for session in self._sessions.values():
            if session.ws is ws:
                session.ws = None
        self._notify()
        return ws

    async def _on_identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != TOKEN:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify = data
        if (
            int(data.get("intents", 0)) & INTENT_MESSAGE_CONTENT
            and not self.message_content_allowed
        ):
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard, self.shard_count = (int(n) for n in data.get("shard") or (0, 1))
        session = self._sessions[shard] = _Session(uuid.uuid4().hex, shard, ws=ws)
        guilds = [g for g in self.guilds.values() if self.shard_of(g.id) == shard]
        ready = {
            "v": 10,
            "user": {**self.bot.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "shard": [shard, self.shard_count],
            "application": {"id": str(self.app_id), "flags": 1 << 19},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
        }
        await self.dispatch("READY", ready, shard=shard)
        for guild in guilds:
            await self.dispatch("GUILD_CREATE", self.guild_payload(guild), shard=shard)

    async def _on_resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        found = [s for s in self._sessions.values() if s.id == data.get("session_id")]
        session = found[0] if found else None
        if data.get("token") != TOKEN or session is None or not session.resumable:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return
        session.ws = ws
        last = int(data.get("seq") or 0)
        async with self._ws_lock:
            for event in session.sent:
                if event["s"] > last:
                    await ws.send_str(json.dumps(event))
        await self.dispatch("RESUMED", {}, shard=session.shard)

    def guild_payload(self, guild: Guild) -> dict[str, Any]:
        members = [u for u in self.users.values() if u is not self.bot]
        return guild.payload(self.bot, members)

    def shard_of(self, guild_id: int) -> int:
        """Discord's rule: a guild's events go to shard (guild_id >> 22) % shard_count."""
        return (guild_id >> 22) % self.shard_count

    def _shard_for(self, event: str, data: dict[str, Any]) -> int:
        """The shard an event goes to: its guild's; DMs and the rest go to shard 0."""
        guild_id = data.get("guild_id") or (data.get("id") if event.startswith("GUILD_") else None)
        return self.shard_of(int(guild_id)) if guild_id else 0

    async def dispatch(self, event: str, data: dict[str, Any], *, shard: int | None = None) -> None:
        """Send a gateway DISPATCH on the shard it belongs to; kept for replay if the socket is
        down (sent on RESUME). An event for a shard no process identified reaches nobody."""
        if not self._sessions:
            raise RuntimeError("the bot has not identified yet")
        session = self._sessions.get(self._shard_for(event, data) if shard is None else shard)
        if session is None:
            return
        async with self._ws_lock:
            session.seq += 1
            frame = {"op": 0, "t": event, "s": session.seq, "d": data}
            session.sent.append(frame)
            ws = session.ws
            if ws is not None and not ws.closed:
                await ws.send_str(json.dumps(frame))

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def connected(self) -> bool:
        return any(s.ws is not None and not s.ws.closed for s in self._sessions.values())

    def frames(self, op: int) -> list[GatewayFrame]:
        return [f for f in self.gateway_frames if f.op == op]

    # ---- helpers for tests: what members do ------------------------------------------

    def add_user(self, name: str, *, admin: bool = False, bot: bool = False) -> User:
        user = User(
            snowflake(),
            name,
            bot=bot,
            permissions=ADMIN_PERMISSIONS if admin else MEMBER_PERMISSIONS,
        )
        self.users[user.id] = user
        return user

    def channel(self, name: str = "running-questions", guild: Guild | None = None) -> Channel:
        return (guild or self.guild).channels[name]

    async def add_guild(
        self, name: str, channels: tuple[str, ...] = ("general", "running-questions")
    ) -> Guild:
        """Another server with the bot in it (sent as GUILD_CREATE if the bot is connected)."""
        guild = Guild(snowflake(), name, self.owner.id)
        for channel_name in channels:
            channel = Channel(snowflake(), channel_name, guild.id)
            guild.channels[channel_name] = channel
            self.channels[channel.id] = channel
        self.guilds[guild.id] = guild
        if self._sessions:
            await self.dispatch("GUILD_CREATE", self.guild_payload(guild))
        return guild

    def _resolve_channel(
        self, channel: Channel | int | str | None, user: User, guild: Guild | None = None
    ) -> Channel:
        if channel is None:
            return self.channel(guild=guild)
        if isinstance(channel, Channel):
            return channel
        if isinstance(channel, str):
            if channel == "dm":
                return self.dm_channel(user)
            return self.channel(channel, guild)
        return self.channels[channel]

    async def send_message(
        self,
        channel: Channel | int | str | None,
        author: User | None,
        content: str,
        *,
        mentions: list[User] | None = None,
        mention_roles: list[int] | None = None,
        mention_everyone: bool = False,
        attachments: list[dict[str, Any]] | None = None,
        webhook: bool = False,
        message_type: int = 0,
        reply_to: dict[str, Any] | None = None,
        reply_ping: bool = False,
    ) -> dict[str, Any]:
        """A member posts a message; dispatches MESSAGE_CREATE and returns its payload.

        ``channel`` is a Channel, an id, a channel name of the default guild, or "dm" for
        the author's DM with the bot. Mentions of the bot are found in the content too.
        ``reply_to``: a message (the bot's, or a member's) this one replies to, as Discord
        sends a reply (type 19, message_reference, referenced_message); ``reply_ping``: the
        reply notifies that message's author, who is then among the mentions.
        """
        author = author or self.member
        ch = self._resolve_channel(channel, author)
        mentioned = list(mentions or [])
        referenced: dict[str, Any] | None = None
        if reply_to is not None:
            referenced = _public(reply_to)
            message_type = 19
            replied = self.users.get(int(referenced["author"]["id"]))
            if reply_ping and replied is not None and replied not in mentioned:
                mentioned.append(replied)
        for uid in re.findall(r"<@!?(\d+)>", content):
            user = self.users.get(int(uid))
            if user is not None and user not in mentioned:
                mentioned.append(user)
        msg: dict[str, Any] = {
            "id": str(snowflake()),
            "type": message_type,
            "channel_id": str(ch.id),
            "author": author.payload(),
            "content": content,
            "embeds": [],
            "components": [],
            "attachments": attachments or [],
            "mentions": [
                {
                    **u.payload(),
                    **({} if ch.is_dm else {"member": u.member_payload(with_user=False)}),
                }
                for u in mentioned
            ],
            "mention_roles": [str(r) for r in (mention_roles or [])],
            "mention_everyone": mention_everyone,
            "pinned": False,
            "tts": False,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "flags": 0,
            "nonce": str(snowflake()),
        }
        if webhook:
            msg["webhook_id"] = str(snowflake())
        if referenced is not None:
            msg["message_reference"] = {
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": referenced["channel_id"],
                **({"guild_id": str(ch.guild_id)} if ch.guild_id else {}),
            }
            msg["referenced_message"] = referenced
        if not ch.is_dm:
            msg["guild_id"] = str(ch.guild_id)
            if not webhook:
                msg["member"] = author.member_payload(with_user=False)
        event = dict(msg)
        if not self._has_content_intent() and not ch.is_dm and self.bot not in mentioned:
            # without the message content intent Discord blanks other members' messages
            event.update(content="", embeds=[], attachments=[], components=[])
        self.member_messages[msg["id"]] = msg
        await self.dispatch("MESSAGE_CREATE", event)
        return msg

    def _has_content_intent(self) -> bool:
        return bool(self.identify and int(self.identify.get("intents", 0)) & INTENT_MESSAGE_CONTENT)

    def _interaction_base(
        self, kind: int, user: User, channel: Channel, data: dict[str, Any]
    ) -> dict[str, Any]:
        token = "itok-" + uuid.uuid4().hex
        payload: dict[str, Any] = {
            "id": str(snowflake()),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "token": token,
            "version": 1,
            "app_permissions": str(MEMBER_PERMISSIONS),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if channel.is_dm:
            payload["user"] = user.payload()
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": str(user.id)}
        else:
            assert channel.guild_id is not None
            payload["guild_id"] = str(channel.guild_id)
            payload["guild"] = {"id": str(channel.guild_id), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["member"] = {**user.member_payload(), "permissions": str(user.permissions)}
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(channel.guild_id)}
        return payload

    async def _interact(self, payload: dict[str, Any]) -> InteractionHandle:
        handle = InteractionHandle(self, payload)
        self.interactions[handle.token] = handle
        await self.dispatch("INTERACTION_CREATE", payload)
        return handle

    def _options(
        self, options: dict[str, Any] | list[dict[str, Any]] | None, focused: str | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        if isinstance(options, list):
            return options, {}
        out: list[dict[str, Any]] = []
        resolved: dict[str, dict[str, Any]] = {}
        for name, value in (options or {}).items():
            if isinstance(value, bool):
                opt: dict[str, Any] = {"name": name, "type": 5, "value": value}
            elif isinstance(value, int):
                opt = {"name": name, "type": 4, "value": value}
            elif isinstance(value, float):
                opt = {"name": name, "type": 10, "value": value}
            elif isinstance(value, Channel):
                opt = {"name": name, "type": 7, "value": str(value.id)}
                resolved.setdefault("channels", {})[str(value.id)] = {
                    **value.payload(),
                    "permissions": str(MEMBER_PERMISSIONS),
                }
            elif isinstance(value, User):
                opt = {"name": name, "type": 6, "value": str(value.id)}
                resolved.setdefault("users", {})[str(value.id)] = value.payload()
                resolved.setdefault("members", {})[str(value.id)] = {
                    **value.member_payload(with_user=False),
                    "permissions": str(value.permissions),
                }
            else:
                opt = {"name": name, "type": 3, "value": str(value)}
            if name == focused:
                opt["focused"] = True
            out.append(opt)
        return out, resolved

    def _command_data(
        self,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None,
        subcommand: str | None,
        group: str | None,
        focused: str | None = None,
    ) -> dict[str, Any]:
        opts, resolved = self._options(options, focused)
        if subcommand is not None:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
            if group is not None:
                opts = [{"name": group, "type": 2, "options": opts}]
        data: dict[str, Any] = {"id": str(snowflake()), "name": name, "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        return data

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None = None,
        *,
        user: User | None = None,
        channel: Channel | int | str | None = None,
        guild: Guild | None = None,
        subcommand: str | None = None,
        group: str | None = None,
    ) -> InteractionHandle:
        """A member runs /name [group] [subcommand] with options ({name: value} or raw list).

        Option types follow the Python values: str, int, float, bool, Channel, User. The
        channel is a Channel, an id, a channel name (of ``guild``, default the main one) or
        "dm"; by default the guild's running-questions channel.
        """
        user = user or self.member
        ch = self._resolve_channel(channel, user, guild)
        data = self._command_data(name, options, subcommand, group)
        return await self._interact(self._interaction_base(2, user, ch, data))

    async def autocomplete(
        self,
        name: str,
        focused: str,
        options: dict[str, Any] | None = None,
        *,
        user: User | None = None,
        channel: Channel | int | str | None = None,
        guild: Guild | None = None,
        subcommand: str | None = None,
        group: str | None = None,
    ) -> InteractionHandle:
        """A member is typing option ``focused`` of /name; options hold what is typed so far."""
        user = user or self.member
        ch = self._resolve_channel(channel, user, guild)
        opts = dict(options or {})
        opts.setdefault(focused, "")
        data = self._command_data(name, opts, subcommand, group, focused)
        return await self._interact(self._interaction_base(4, user, ch, data))

    def _component_message(self, message: dict[str, Any] | int | str) -> dict[str, Any]:
        mid = int(message["id"]) if isinstance(message, dict) else int(message)
        stored = self.messages.get(mid)
        if stored is None:
            raise KeyError(f"the bot sent no message {mid}")
        return stored

    async def _component(
        self,
        message: dict[str, Any] | int | str,
        data: dict[str, Any],
        user: User | None,
    ) -> InteractionHandle:
        user = user or self.member
        stored = self._component_message(message)
        ids = _custom_ids(stored["components"])
        if data["custom_id"] not in ids:
            raise KeyError(f"message {stored['id']} has no component {data['custom_id']!r}: {ids}")
        channel = self.channels[int(stored["channel_id"])]
        payload = self._interaction_base(3, user, channel, data)
        payload["message"] = _public(stored)
        return await self._interact(payload)

    async def click(
        self, message: dict[str, Any] | int | str, custom_id: str, user: User | None = None
    ) -> InteractionHandle:
        """A member clicks the button ``custom_id`` on a message the bot sent."""
        return await self._component(message, {"custom_id": custom_id, "component_type": 2}, user)

    async def select(
        self,
        message: dict[str, Any] | int | str,
        custom_id: str,
        values: list[str],
        user: User | None = None,
    ) -> InteractionHandle:
        """A member picks ``values`` in the string select ``custom_id``."""
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        return await self._component(message, data, user)


def _custom_ids(components: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for comp in components:
        if "custom_id" in comp:
            found.append(comp["custom_id"])
        found += _custom_ids(comp.get("components") or [])
    return found


def _public(msg: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in msg.items() if not k.startswith("_")}


def _id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        return 0

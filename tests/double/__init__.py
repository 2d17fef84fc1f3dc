"""The offline Discord double the end-to-end tests run the real bot against.

Fixtures (tests/conftest.py): ``double`` (started, discord.py pointed at it), ``settings``,
``clock`` (FakeClock), ``running_bot`` (the real bot, ready), ``error_log`` (autouse: any
ERROR from the ``discord`` or ``bot`` loggers fails the test; ``error_log.expect(text)``).

What members do, each returning what a test asserts on:

    msg = await double.send_message("general", double.member, "why does my back hurt?")
    reply = await double.wait_for_reply(msg)            # the bot's message, with _allowed_mentions
    await double.send_message("general", double.member, "and?", reply_to=reply)  # a reply
                                                        # (reply_ping=True: it notifies the bot)
    h = await double.slash("ask", {"question": "..."})  # also group=, subcommand=, user=, channel=
    body = await h.response()                           # the callback {"type", "data"}
    shown = await h.reply()                             # the message the member sees
    await double.click(shown, "custom-id", user=double.other_member)
    await double.select(shown, "faq:topic", ["treatment"])
    choices = await (await double.autocomplete("ask", "question", {"question": "str"})).choices()

Silence is asserted with ``tests.helpers.assert_silent(double, since=double.mark())``: a new
member DMs a question that must be answered, and once the bot's handlers have finished, that
answer must be its only request since the mark. Never by waiting: a wrong reply may be late.

Users: ``double.member``, ``double.other_member`` (no Manage Server), ``double.admin``,
``double.owner``, ``double.add_user(name, admin=...)``; channels: ``double.channel(name)``,
``double.dm_channel(user)``, "dm" as a channel argument; ``await double.add_guild(name)``.
Every REST request is in ``double.requests`` (``requests_to(method, "/channels/{id}/messages")``,
``await wait_for_request(predicate)``); messages the bot created in ``double.messages``.
Faults: ``fail_next(method, template, 429|500|..., times=, retry_after=, via=)``,
``global_limit = N`` (requests per second), ``dm_closed`` / ``unknown_users`` (sets of user
ids: 403 code 50007, 404 code 10013), ``await drop_gateway()`` (the bot RESUMEs),
``message_content_allowed = False`` (IDENTIFY with that intent is closed with 4014);
``fail_after_handling(method, template, 502)`` (the message is created, then 502),
``answer_late(method, template, delay)`` (created at once, answered after ``delay`` s),
``redirect_loop(method, template)`` (307 to itself until aiohttp gives up).
Idempotency: a message POST with ``enforce_nonce: true`` and a ``nonce`` (at most 25
characters) the bot used within ``nonce_window_s`` gets that message back (200, same id) and
nothing is created; ``double.nonce_hits`` counts those.
Discord's rules: ``double.pings(message)`` is whom a message notifies ("everyone",
"user:ID", "role:ID", "reply:ID") by its content and allowed_mentions; bodies over Discord's
size limits are refused with 400 code 50035 and listed in ``double.rejected``.
The bot's own rule, that a message fits a phone: every message the bot creates or edits
with more than 2,000 characters of text in all (content and embeds) is listed in
``double.too_long`` and the ``double`` fixture fails the test (``phone_text_max = None``
turns the check off for a test that sends Discord's largest on purpose).
"""

from tests.double.interactions import InteractionHandle
from tests.double.model import ADMIN_PERMISSIONS, MEMBER_PERMISSIONS, Channel, Guild, User
from tests.double.server import TOKEN, DiscordDouble, Request, point_discord_at

__all__ = [
    "ADMIN_PERMISSIONS",
    "MEMBER_PERMISSIONS",
    "TOKEN",
    "Channel",
    "DiscordDouble",
    "Guild",
    "InteractionHandle",
    "Request",
    "User",
    "point_discord_at",
]

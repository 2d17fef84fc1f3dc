"""The double's idempotency and its ambiguous faults, checked with plain HTTP requests as
Discord would answer them: enforce_nonce returns the message a nonce already made; a
message can be created and then answered 502 or answered late; a route can redirect to
itself until aiohttp gives up."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.double import TOKEN

HEADERS = {"Authorization": f"Bot {TOKEN}"}


async def post(double, channel_id: int, body: dict, wait_s: float = 5.0) -> tuple[int, dict]:
    url = f"{double.api_base}/channels/{channel_id}/messages"
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=wait_s)) as http,
        http.post(url, json=body, headers=HEADERS) as resp,
    ):
        return resp.status, await resp.json(content_type=None)


async def test_enforce_nonce_returns_the_message_already_made_and_creates_nothing(double):
    dm = double.dm_channel(double.member)
    first = await post(
        double, dm.id, {"content": "hi", "nonce": "r1a20260303", "enforce_nonce": True}
    )
    again = await post(
        double, dm.id, {"content": "hi", "nonce": "r1a20260303", "enforce_nonce": True}
    )
    assert first[0] == again[0] == 200
    assert again[1]["id"] == first[1]["id"] and again[1]["nonce"] == "r1a20260303"
    assert len(double.sent_messages(dm.id)) == 1
    assert double.nonce_hits == 1


async def test_a_nonce_without_enforce_or_outside_the_window_makes_a_new_message(double):
    dm = double.dm_channel(double.member)
    await post(double, dm.id, {"content": "a", "nonce": "n1"})
    await post(double, dm.id, {"content": "b", "nonce": "n1"})  # not enforced: a second one
    assert len(double.sent_messages(dm.id)) == 2
    double.nonce_window_s = 0.0  # the window has passed
    await post(double, dm.id, {"content": "c", "nonce": "n1", "enforce_nonce": True})
    assert len(double.sent_messages(dm.id)) == 3
    assert double.nonce_hits == 0


async def test_a_nonce_of_the_same_author_is_unique_across_channels(double):
    # Discord's words: "another message was created by the same author with the same nonce"
    one, two = double.dm_channel(double.member), double.dm_channel(double.other_member)
    body = {"content": "x", "nonce": "same", "enforce_nonce": True}
    made = await post(double, one.id, body)
    answered = await post(double, two.id, body)
    assert answered[1]["id"] == made[1]["id"] and double.sent_messages(two.id) == []


async def test_a_nonce_over_25_characters_is_refused(double):
    dm = double.dm_channel(double.member)
    status, body = await post(double, dm.id, {"content": "x", "nonce": "n" * 26})
    assert (status, body["code"]) == (400, 50035)
    assert (await post(double, dm.id, {"content": "x", "nonce": "n" * 25}))[0] == 200


async def test_fail_after_handling_creates_the_message_then_answers_502(double):
    dm = double.dm_channel(double.member)
    double.fail_after_handling("POST", "/channels/{id}/messages", 502)
    status, _body = await post(double, dm.id, {"content": "hi"})
    assert status == 502
    assert [m["content"] for m in double.sent_messages(dm.id)] == ["hi"]


async def test_answer_late_creates_the_message_then_answers_after_the_client_gave_up(double):
    dm = double.dm_channel(double.member)
    double.answer_late("POST", "/channels/{id}/messages", 0.5)
    with pytest.raises(asyncio.TimeoutError):
        await post(double, dm.id, {"content": "hi"}, wait_s=0.1)
    assert [m["content"] for m in double.sent_messages(dm.id)] == ["hi"]


async def test_redirect_loop_ends_in_too_many_redirects(double):
    double.redirect_loop("GET", "/users/@me")
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.TooManyRedirects):
            async with http.get(f"{double.api_base}/users/@me", headers=HEADERS):
                pass
    assert double.redirects == 10  # aiohttp gives up at its max_redirects (10)

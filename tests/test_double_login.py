"""The real bot logs in to the offline Discord double and gets ready."""

from __future__ import annotations

from tests.double import TOKEN


async def test_bot_logs_in_and_gets_ready(running_bot, double):
    me = double.requests_to("GET", "/users/@me")
    assert me and me[0].headers["Authorization"] == f"Bot {TOKEN}"
    assert double.requests_to("GET", "/oauth2/applications/@me")
    assert running_bot.user.id == double.bot.id
    assert running_bot.application_id == double.app_id
    guild = running_bot.get_guild(double.guild.id)
    assert guild is not None and guild.get_channel(double.channel().id) is not None
    identify = double.frames(2)
    assert len(identify) == 1
    assert identify[0].data["token"] == TOKEN

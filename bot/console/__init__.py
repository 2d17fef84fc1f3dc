"""The local console (``python -m bot chat``): the bot itself, offline, in a terminal.

    session.py   the session: the real bot and cogs over a local SQLite file; lines in,
                 what the bot shows out; reminder DMs shown instead of posted
    slash.py     a typed slash command, parsed and run by the bot's own command tree
    fake.py      the member, interaction, response and followup the cogs see
    show.py      embeds and components as text, buttons and menu options numbered

Nothing is written twice: messages go through the FAQ's own rules (cooldowns, the
direct-ask limit, learned phrasings), commands and buttons through the cogs' own callbacks,
so what an admin tries here is what members get.
"""

from __future__ import annotations

from bot.console.session import SILENCE, Console, console_database

__all__ = ["SILENCE", "Console", "console_database"]

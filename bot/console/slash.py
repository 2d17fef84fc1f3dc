"""A typed slash command, run by the bot's own command tree: ``/remind subscribe 07:30 both
Europe/London``, ``/ask private:false why does my back hurt?``.

The words after the command fill its options in order (``name:value`` names one), the last
text option taking the rest of the line; choices, lengths and true/false are checked as
Discord checks them. The command's own checks run first (Manage Server, servers only), then
its callback, exactly the one Discord would call.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

TRUE = {"true", "yes", "on", "1"}
FALSE = {"false", "no", "off", "0"}


class Refused(Exception):
    """The typed line does not make a command Discord would send (unknown, bad option...)."""


@dataclass(frozen=True)
class Invocation:
    command: app_commands.Command[Any, ..., Any]
    options: dict[str, Any]


def find(tree: app_commands.CommandTree[Any], words: list[str]) -> tuple[Any, list[str]]:
    """The command (or group) the words name, and the words left over."""
    node: Any = tree.get_command(words[0]) if words else None
    if node is None:
        raise Refused(f"Unknown command /{words[0] if words else ''}. Type /help.")
    rest = words[1:]
    while isinstance(node, app_commands.Group):
        sub = node.get_command(rest[0]) if rest else None
        if sub is None:
            names = "|".join(c.name for c in node.commands)
            raise Refused(f"Usage: /{node.qualified_name} {names}")
        node, rest = sub, rest[1:]
    return node, rest


def usage(command: app_commands.Command[Any, ..., Any]) -> str:
    params = [p.display_name if p.required else f"[{p.display_name}]" for p in command.parameters]
    return " ".join([f"Usage: /{command.qualified_name}", *params])


def parse(tree: app_commands.CommandTree[Any], line: str) -> Invocation:
    """The command a typed line names, with its options checked and converted.

    ``name:value`` words name an option; the other words fill the options in order, one word
    each, except the last free-text option left, which takes the rest of them.
    """
    words = line.split()
    command, rest = find(tree, words)
    declared = command.parameters  # a new list at each read
    params = {p.display_name: p for p in declared}
    options: dict[str, Any] = {}
    loose: list[str] = []
    for word in rest:
        name, sep, value = word.partition(":")
        if sep and name in params and name not in options:
            options[name] = value
        else:
            loose.append(word)
    for n, param in enumerate(declared):
        if not loose:
            break
        if param.display_name in options:
            continue
        later = [p for p in declared[n + 1 :] if p.display_name not in options and _free_text(p)]
        if _free_text(param) and not later:
            options[param.display_name], loose = " ".join(loose), []
        else:
            options[param.display_name] = loose.pop(0)
    if loose or any(p.required and p.display_name not in options for p in declared):
        raise Refused(usage(command))
    converted = {params[n].name: _convert(params[n], v) for n, v in options.items()}
    return Invocation(command, converted)


def _free_text(param: app_commands.Parameter) -> bool:
    return param.type is discord.AppCommandOptionType.string and not param.choices


def _convert(param: app_commands.Parameter, raw: str) -> Any:
    kind = param.type
    if kind is discord.AppCommandOptionType.boolean:
        if raw.lower() in TRUE | FALSE:
            return raw.lower() in TRUE
        raise Refused(f"{param.display_name} must be true or false")
    if kind is discord.AppCommandOptionType.integer:
        try:
            return int(raw)
        except ValueError:
            raise Refused(f"{param.display_name} must be a whole number") from None
    if kind is not discord.AppCommandOptionType.string:
        raise Refused(
            f"In the console, leave {param.display_name} out: it works on the console's own "
            "server and channel."
        )
    if param.choices and raw not in {str(c.value) for c in param.choices}:
        names = ", ".join(str(c.value) for c in param.choices)
        raise Refused(f"{param.display_name} must be one of {names}")
    low, high = param.min_value, param.max_value
    if (low is not None and len(raw) < low) or (high is not None and len(raw) > high):
        raise Refused(f"{param.display_name} must be {low} to {high} characters")
    return raw


async def checks_pass(command: app_commands.Command[Any, ..., Any], interaction: Any) -> None:
    """The command's checks, its groups' and its cog's, as the tree runs them; a failure
    raises app_commands.CheckFailure, as in Discord."""
    parent = command.parent
    while parent is not None:
        if not await parent.interaction_check(interaction):
            raise app_commands.CheckFailure(f"/{command.qualified_name} refused")
        parent = parent.parent
    if command.guild_only and interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    for check in command.checks:
        passed = check(interaction)
        if inspect.isawaitable(passed):
            passed = await passed
        if not passed:
            raise app_commands.CheckFailure(f"/{command.qualified_name} refused")


async def invoke(invocation: Invocation, interaction: Any) -> None:
    """Run the command's callback, bound to its cog, as the tree does."""
    command = invocation.command
    await checks_pass(command, interaction)
    binding = command.binding
    if binding is not None:
        await command.callback(binding, interaction, **invocation.options)
    else:
        await command.callback(interaction, **invocation.options)  # type: ignore[call-arg]

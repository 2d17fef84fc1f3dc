"""The offline Discord double the end-to-end tests run the real bot against."""

from tests.double.interactions import InteractionHandle
from tests.double.model import ADMIN_PERMISSIONS, MEMBER_PERMISSIONS, Channel, Guild, User
from tests.double.server import TOKEN, DiscordDouble, Request

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
]

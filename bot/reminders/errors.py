"""What can go wrong with one reminder DM, in the terms the delivery acts on.

The sender translates Discord's answers into these; the delivery decides from them whether
to retry, pause, remove or give up.
"""

from __future__ import annotations


class SendError(Exception):
    """The sender could not deliver a reminder; the subclass says what to do about it."""


class DMsClosed(SendError):
    """403 / 50007: the member does not accept DMs from the bot. Pause and tell them."""


class UnknownRecipient(SendError):
    """404 / 10013: the user no longer exists. Remove the subscription."""


class RateLimited(SendError):
    """429: wait ``retry_after`` seconds and try again. Nothing was created."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.2f}s")
        self.retry_after = retry_after


class Transient(SendError):
    """5xx or a network error: retry with backoff. ``maybe_sent``: the request may have
    reached Discord and created the DM (a 5xx, a timeout); False when it cannot have (the
    connection never opened, or the failure came before the message request)."""

    def __init__(self, detail: str, *, maybe_sent: bool = True) -> None:
        super().__init__(detail)
        self.maybe_sent = maybe_sent


class Rejected(SendError):
    """Any other refusal (a 400, say): record the day as failed, no retry."""

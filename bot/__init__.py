"""Run-club bot: answers upper back soreness questions from the club's guide and sends
opt-in daily stretch and core reminders by DM."""

__version__ = "0.1.0"

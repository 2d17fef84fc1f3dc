"""The pure core: knowledge, reading a message, red-flag triage, matching, replies, schedules.

Nothing here imports discord or the store; tests/test_architecture.py holds that line.
"""

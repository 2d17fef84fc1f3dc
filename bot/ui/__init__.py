"""What members see in Discord: embeds cut to Discord's limits, persistent buttons and selects."""

"""The bot's features, one extension each (a module, or a package with private helpers),
loaded by bot.app; each has ``setup(bot)``."""

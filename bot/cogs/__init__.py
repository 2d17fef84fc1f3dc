"""The bot's features, one extension module each, loaded by bot.app (each has ``setup(bot)``)."""

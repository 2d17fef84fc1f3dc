"""The SQLite backend: the connection (bot.store.sqlite.connection), its migration runner and
its faults, and one module per concern holding that concern's SQL."""

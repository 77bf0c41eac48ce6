"""In-memory and HTTP test doubles for the Telegram Bot API."""

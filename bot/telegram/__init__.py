"""The Telegram transport: python-telegram-bot handlers that translate, never decide."""

"""The load benchmark: what people feel when many of them talk to the bot at once.

A fake Bot API over real HTTP on 127.0.0.1 (a configurable round trip, 429
above 30 messages in any second), simulated people who each wait for the bot's
answer before they think and tap again, the real `python -m bot` process under
test, and a bare python-telegram-bot bot (the anchor) answering the same people
side by side in the same run, so the ratios hold on a busy machine.
"""

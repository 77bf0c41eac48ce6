"""Couples: linking two partners, privacy and data rights (safety lives in `bot.safety`).

- `invites`: one-time invite codes (random, hashed, expiring) and the rate limit.
- `linking`: linking and unlinking two people, every change under row locks.
- `naming`: the name each person chooses for their partner to see, and the prompt for it.
- `handlers`: /invite, joining by deep link, /unlink and the name's /settings row.
- `privacy`: /mydata and /forget; `export`: every row about a person, found from the schema.
- `models`: the tables; `install`: the feature as declared to the coach (`bot.features`).
"""

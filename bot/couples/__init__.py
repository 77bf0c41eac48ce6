"""Couples: linking two partners, privacy and data rights (safety lives in `bot.safety`).

- `invites`: one-time invite codes (random, hashed, expiring) and the rate limit.
- `linking`: /invite, joining by deep link, /unlink; every change under row locks.
- `naming`: the name each person chooses for their partner to see (+ its /settings row).
- `privacy`: /mydata (a JSON file of every row about the person) and /forget.
- `install`: registers all of it on the coach.
"""

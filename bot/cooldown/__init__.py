"""Conflict cooldown: a calm break on demand, and a gentle way back to each other.

flow.py        start, flooding check, break length, the return question
notices.py     what the partner hears, only with consent
calming.py     paced breathing and grounding
repair.py      the gentle start-up builder ("I feel … about … and I need …")
istatements.py spotting "you always / you never" and a calmer wording (pure)
screens.py     how each step looks, so it can be shown again any time
timers.py      timed messages in the database, swept and claimed exactly once
phases.py      the state machine's steps and constants
models.py      tables;  store.py  queries;  install.py  wiring
"""

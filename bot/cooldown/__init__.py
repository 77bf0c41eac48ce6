"""Conflict cooldown: a calm break on demand, and a gentle way back to each other.

flow.py        start, flooding check, break length, the return question
notices.py     what the partner hears, only with consent
when.py        "back at 18:40" in the reader's time zone, or "in about N minutes"
calming.py     paced breathing and grounding; exercises.py  their cues, as data
repair.py      the gentle start-up builder ("I feel … about … and I need …")
istatements.py spotting "you always / you never" and a calmer wording (pure)
hostility.py   spotting words that attack the person (lists in data/cooldown/)
screens.py     how each step looks, so it can be shown again any time
timers.py      timed messages in the database, swept and claimed exactly once
phases.py      the state machine's steps and constants
buttons.py     the button payloads
models.py      tables;  store.py  queries;  install.py  the feature, as declared
"""

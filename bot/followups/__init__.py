"""Exercises that come back: "We'll try it" is followed up with both partners.

A plan is made when someone taps "We'll try it" (a conversation's exercise,
or a date or ritual idea). A few days later the follow-up rides on each
partner's own next check-in, so quiet hours, pauses, snoozes, "fewer of
these" and the one-a-day rule all apply, and the check-in sweep's
exactly-once delivery carries it. "Did it happen? How did it feel?" — both
answers are shown to both once both have answered; "not yet" picks a new day.
`models`, `exercises` (what can be planned), `planning`, `carry` (riding on
a check-in), `answers` (the buttons and the reveal), `results` (for the
weekly picture and the suggestions), `ideas` (/idea), `install`.
"""

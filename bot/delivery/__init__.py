"""Exactly-once delivery of messages that background jobs send (see `record`).

A job decides *what* is due (check-ins plan theirs in `bot.nudges.sweep`);
this package records each send so that two processes never send the same
message, a crash before the send loses nothing, and a crash during the send
never repeats it. The transport's side is `bot.sending.SendHooks`.
"""

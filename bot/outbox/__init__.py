"""The durable outbox: what a turn says is stored in the turn's own transaction
and sent exactly once afterwards, even across a crash or an outage (see `store`)."""

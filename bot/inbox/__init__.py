"""The durable inbox: every update is stored before Telegram is told it arrived,
handled from the store one person at a time in the order sent, and marked done
in the same transaction as its effects (see `store`, `worker` and `ticket`)."""

"""Gentle check-in nudges: schedules, the sweep that plans them (delivered exactly once
by `bot.delivery`), and the replies to them."""

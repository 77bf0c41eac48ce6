"""Gentle check-in nudges: schedules, the sweep that sends them, and the replies to them."""

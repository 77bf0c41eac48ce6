"""Couple questions: both partners answer privately, then see both answers side by side."""

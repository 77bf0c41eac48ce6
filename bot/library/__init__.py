"""The library: everything Attune offers beyond the guided conversations.

Couple questions and check-in prompts (data/nudges), date and ritual ideas and
love-maps questions (data/library), all in every language, tagged by the
article section they draw on and by depth, and walked without repeats.
"""

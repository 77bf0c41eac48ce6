"""Love maps, "How well do you know me?": a question game for a linked couple.

Each partner answers a question about themselves and guesses the other's
answer; once both have played, both see both answers and both guesses at the
same moment. `models` (rounds and answers), `game` (the flow), `reveal` (the
words of the reveal), `install` (commands, buttons, typed answers).
"""

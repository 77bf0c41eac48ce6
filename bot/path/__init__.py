"""The personal path: a short relationship check, and conversations suggested from it.

`check` (the questions, one tap each), `suggest` (a pure ordering of the
conversations from what a person told us), `compare` (agree/differ, only when
both partners choose it), `chart` (the change between two checks, a picture),
`models` (checks, answers, what the welcome told us), `flow` (commands,
buttons, the /topics suggestions), `install` (plugging it into the coach).
"""

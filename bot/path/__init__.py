"""The personal path: a short relationship check, and conversations suggested from it.

`suggest` (a pure ordering of the conversations from what a person told us),
`compare` (agree/differ, only when both partners choose it), `chart` (the
change between two checks, a picture), `progress` (/progress: what the couple
did together), `models` (checks, answers, what the welcome told us), `flow`
(/check one tap at a time, the buttons, the /topics suggestions), `install`
(the feature as declared, with the check's questions from `data/path/check.yaml`).
"""

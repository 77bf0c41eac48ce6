"""Safety: every piece of text is screened here before any feature sees it.

- `words`, `phrases`, `screen`: reading text (folded words, clause marks), the phrase
  language of the lists in `data/safety/`, and the detector that names categories.
- `model`: the small classifier that backs the lists up on sentences they were not
  fitted to (weights and word classes in `data/safety/model/`).
- `care`: the answer that fits the need, its next steps, "That's not what I meant".
- `crisis`, `country`: help lines per country (`data/crisis_resources.yaml`) and the
  country question (asked, never guessed).
- `quiet`: quiet mode, which keeps everything of a person's away from their partner.
- `link_question`: the private "do you feel safe with your partner?" when two people link.
- `settings`, `install`, `models`: /settings → Safety, the wiring, the tables.
"""

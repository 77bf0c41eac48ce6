"""Safety: every piece of text is screened here before any feature sees it.

- `screen`: the phrase lists (English and Turkish) and the detector that names a category.
- `crisis`: crisis lines per country and language, from `data/crisis_resources.yaml`.
- `care`: what happens on a signal: a calm reply with resources, the scripted flow
  stopped, nudges paused, nothing to the partner; also /help_now and /about.
"""

"""The whole family: the family page and the whole-family plan with its goals, support,
actions and reviews (issue 14 §§1–2)."""

"""Is this person already known? Probabilistic person matching (Splink) and the linking of
one person's records across agencies into an identity, with a review queue (issue 16)."""

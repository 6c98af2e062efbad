"""The child's voice after the scene: what a child said and how they are, recorded by any
practitioner who sees them (issue 14 §4)."""

"""Links to the family page from the pages of the apps below (their page hooks)."""


def connect() -> None:
    """Called from ``FamiliesConfig.ready``."""

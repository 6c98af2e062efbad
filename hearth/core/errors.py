"""Domain errors shared by every app. Views and the API turn each into one response shape."""

from __future__ import annotations


class HearthError(Exception):
    """Base class: a rule of the domain said no. ``code`` is stable, ``message`` is for people."""

    code = "error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message or self.__doc__ or self.code


class NotFound(HearthError):
    """The record does not exist, or the caller has no legitimate reason to see it.

    Missing and forbidden are the same answer so that a record's existence never leaks
    (architecture.md §4).
    """

    code = "not_found"


class NotPermitted(HearthError):
    """The caller may see the record but may not take this action on it."""

    code = "forbidden"


class InvalidTransition(HearthError):
    """The record is not in a state that allows this change."""

    code = "invalid_transition"


class ValidationFailed(HearthError):
    """The input breaks a domain rule; ``message`` says which in plain words."""

    code = "validation_failed"

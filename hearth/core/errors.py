"""Domain errors shared by every app. Views and the API turn each into one response shape."""

from __future__ import annotations

from collections.abc import Callable


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
    """The input breaks a domain rule; ``message`` says which in plain words, and
    ``fields`` maps each bad field to what is wrong with it."""

    code = "validation_failed"

    def __init__(self, message: str = "", fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message or "Check the information you gave")
        self.fields = fields or {}

    @classmethod
    def from_fields(cls, fields: dict[str, list[str]]) -> ValidationFailed:
        first = next(iter(fields.values()))[0]
        return cls(first, fields)

    def renamed(self, rename: Callable[[str], str]) -> ValidationFailed:
        """The same problems with each field renamed (for example to its path in an API
        request body)."""
        return ValidationFailed(self.message, {rename(k): v for k, v in self.fields.items()})


class Conflict(HearthError):
    """The request clashes with what is already recorded (for example an idempotency key
    reused with a different request)."""

    code = "conflict"

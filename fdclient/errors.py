"""Typed errors whose message is meant for the user (Chinese by default).

Every error the user can cause is a :class:`FdError`. Its ``message`` says what is wrong
and what was expected, in plain Chinese; the command line prints it to stderr and exits
non-zero, the GUI shows it in a dialog. Programming errors stay ordinary exceptions.
"""

from __future__ import annotations


class FdError(Exception):
    """An error caused by input or state the user can fix; ``message`` is shown as is."""

    #: Process exit status used by the command line for this kind of error.
    exit_code: int = 2

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The input field the error is about, when there is one (for forms).
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(FdError):
    """A value entered by the user does not satisfy a rule."""


class StoreError(FdError):
    """The local store is missing, in use, damaged, or newer than this program."""

    exit_code = 3


class StoreExistsError(StoreError):
    """An operation that creates a store found one already there."""


class StoreNotFoundError(StoreError):
    """No store in the data folder yet."""


class StoreTooNewError(StoreError):
    """The database was written by a newer version of fdclient."""


class RuleError(FdError):
    """A business rule forbids the operation (e.g. a second active contract)."""

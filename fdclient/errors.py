"""Typed errors whose message is meant for the user.

Every error the user can cause is an :class:`FdError`. Its message says what is wrong and
what to do, in plain Chinese (or English, see :mod:`fdclient.text`); the command line
prints it to stderr and exits with the error's ``exit_code``, the GUI shows it in a dialog
or beside the field it names. Programming errors stay ordinary exceptions.

Exit codes of the command line: 2 bad input, 3 a store that cannot be used, 1 a check or
operation that failed, 130 cancelled (Ctrl-C).
"""

from __future__ import annotations

from fdclient.text import Text, plain


class FdError(Exception):
    """An error caused by input or state the user can fix."""

    #: Process exit status used by the command line for this kind of error.
    exit_code: int = 2

    def __init__(self, message: Text | str, *, field: str | None = None) -> None:
        self.text = message if isinstance(message, Text) else plain(message)
        super().__init__(self.text.zh)
        #: The input field the error is about, when there is one (for forms).
        self.field = field

    @property
    def message(self) -> str:
        """The message in the current language."""
        return self.text.render()

    def __str__(self) -> str:
        return self.message


class ValidationError(FdError):
    """A value entered by the user does not satisfy a rule."""


class RuleError(FdError):
    """A business rule forbids the operation (e.g. a second active contract)."""


class PermissionDenied(FdError):
    """The signed-in staff member's role may not do this."""

    exit_code = 2


class SignInError(FdError):
    """A sign-in was refused: unknown user, wrong password, locked or disabled account."""

    exit_code = 2


class OperationFailed(FdError):
    """An operation could not be completed (a file could not be written, ...); nothing
    was changed."""

    exit_code = 1


class StoreError(FdError):
    """The local store is missing, in use, damaged, full, or newer than this program."""

    exit_code = 3


class StoreExistsError(StoreError):
    """An operation that creates a store found one already there."""


class StoreNotFoundError(StoreError):
    """No store in the data folder yet."""


class StoreTooNewError(StoreError):
    """The database was written by a newer version of fdclient."""


class StoreBusyError(StoreError):
    """Another fdclient holds the write lock (or the data folder) longer than we wait."""


class DiskFullError(StoreError):
    """The disk is full: nothing was saved."""


class StoreReadOnlyError(StoreError):
    """The store's files or folder cannot be written."""


class StoreDamagedError(StoreError):
    """The store's file is damaged, truncated, or does not match its key file."""


class NotAStoreError(StoreError):
    """The file is not an fdclient database at all."""

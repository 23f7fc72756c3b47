"""Errors that reach the user.

Every problem with user input raises :class:`InputError` whose message is one
line naming the problem and what is allowed; the command line prints it on
stderr and exits with status 2.
"""


class OpenBMDError(Exception):
    """Base class of openbmd's own errors."""


class InputError(OpenBMDError, ValueError):
    """Bad user input: a one-line message naming the problem and what is allowed."""


class UnknownIdError(InputError):
    """An id that no catalog entry has; ``kind`` names the catalog ("missile", "sensor", ...)
    so that a front end can say where its users list the known ids."""

    def __init__(self, message: str, *, kind: str):
        super().__init__(message)
        self.kind = kind


class OutOfReachError(InputError):
    """A target the missile cannot reach; the message states the missile's reach."""

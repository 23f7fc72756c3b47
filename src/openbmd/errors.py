"""Errors that reach the user.

Every problem with user input raises :class:`InputError` whose message is one
line naming the problem and what is allowed; the command line prints it on
stderr and exits with status 2.
"""


class OpenBMDError(Exception):
    """Base class of openbmd's own errors."""


class InputError(OpenBMDError, ValueError):
    """Bad user input: a one-line message naming the problem and what is allowed."""


class OutOfReachError(InputError):
    """A target the missile cannot reach; the message states the missile's reach."""

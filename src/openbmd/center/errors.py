"""A refused request: an HTTP status and one line naming the problem and what is allowed."""
from __future__ import annotations


class Refused(Exception):
    """Raised by the center's logic; the service answers ``status`` with ``{"detail": message}``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message

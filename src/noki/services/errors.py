"""Errors a use case raises for its caller (the web layer maps them to HTTP)."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: the message is shown to the user."""


class NotFound(ServiceError):
    """The thing asked for does not exist."""


class Conflict(ServiceError):
    """The action does not fit the thing's current state (e.g. a superseded draft)."""


class Forbidden(ServiceError):
    """The actor's role does not allow the action."""


class Invalid(ServiceError):
    """The input is wrong (e.g. a reject without a reason)."""

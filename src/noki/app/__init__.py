"""The application context: everything a process builds once from Settings."""

from noki.app.context import AppContext, Clock

__all__ = ["AppContext", "Clock"]

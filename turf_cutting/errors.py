"""Errors raised by :mod:`turf_cutting`.

Every message names the offending argument and its value, so a caller (or the backend's error
mapping) can show it as is.

>>> issubclass(TurfParamsError, ValueError), issubclass(DoorDataError, TurfCuttingError)
(True, True)
"""

from __future__ import annotations

__all__ = ["DoorDataError", "TurfCuttingError", "TurfEditError", "TurfParamsError"]


class TurfCuttingError(ValueError):
    """Base class of every error this library raises on bad input."""


class TurfParamsError(TurfCuttingError):
    """A cutting parameter is invalid (for example ``min_doors > max_doors``)."""


class DoorDataError(TurfCuttingError):
    """The doors are unusable (NaN coordinates, duplicate ids, no doors, ...)."""


class TurfEditError(TurfCuttingError):
    """An edit refers to a turf or door that is not in the plan."""

"""Domain exceptions, mapped to HTTP statuses once (``backend.api.errors``).

Services raise these; they never build HTTP responses. Every exception carries a
human message and, where it concerns input, ``errors``: a mapping of field to messages,
or for imports a list of ``{file, line, field, message}``.
"""

from __future__ import annotations

from typing import Any


class CanvassError(Exception):
    """Base of every error the application raises on purpose."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, errors: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class ConfigError(CanvassError):
    """The configuration cannot run safely (for example no secret key in production)."""

    status = 500
    code = "config_error"


class ValidationError(CanvassError):
    status = 422
    code = "validation_error"


class AuthenticationError(CanvassError):
    status = 401
    code = "unauthenticated"


class PermissionDenied(CanvassError):
    status = 403
    code = "forbidden"


class NotFound(CanvassError):
    status = 404
    code = "not_found"


class Conflict(CanvassError):
    status = 409
    code = "conflict"


class PayloadTooLarge(CanvassError):
    status = 413
    code = "payload_too_large"


class ImportFileError(CanvassError):
    """A voter file has problems; ``errors`` lists ``{file, line, field, message}``."""

    status = 422
    code = "import_error"

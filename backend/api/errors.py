"""One error shape for the whole API: ``{code, status, message, errors}``.

Domain exceptions (``backend.errors``) and HTTP errors (including marshmallow validation
through flask-smorest's 422) are mapped here, once.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from backend.errors import CanvassError
from backend.extensions import db


def error_body(code: str, status: int, message: str, errors: Any = None) -> dict[str, Any]:
    return {"code": code, "status": status, "message": message, "errors": errors or {}}


def _slug(name: str) -> str:
    return name.lower().replace(" ", "_").replace("'", "")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CanvassError)
    def _domain_error(exc: CanvassError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        return jsonify(error_body(exc.code, exc.status, exc.message, exc.errors)), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        db.session.rollback()
        status = exc.code or 500
        errors: Any = None
        data = getattr(exc, "data", None)
        if isinstance(data, dict) and "messages" in data:
            # webargs puts field errors under the location: {"json": {"email": [...]}}
            messages = data["messages"]
            # webargs nests errors under their location; with one location, name the fields.
            if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in (
                "json", "query", "form", "files", "headers", "path"
            ):
                messages = next(iter(messages.values()))
            errors = messages
        message = exc.description or exc.name
        if status == 422 and errors:
            message = "The request has invalid fields: " + ", ".join(sorted(map(str, errors)))
        if status == 413:
            message = (
                f"The request body is larger than the server accepts "
                f"({app.config['MAX_CONTENT_LENGTH']} bytes); send fewer reports per batch."
            )
        body = error_body(_slug(exc.name), status, message, errors)
        if not request.path.startswith("/api/") and status == 404:
            return exc
        return jsonify(body), status

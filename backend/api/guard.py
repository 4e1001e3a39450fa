"""Who is calling: every API route needs a bearer token except the few marked public.

The guard only identifies the caller (``g.actor``); what the caller may do is decided in
the services, which receive the actor explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, request

from backend.errors import AuthenticationError
from backend.extensions import db
from backend.services import auth as auth_service

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC_PATHS = {"/api/openapi.json"}


def public(view: F) -> F:
    """Mark a view (function or MethodView class) as reachable without a token."""
    view._canvass_public = True  # type: ignore[attr-defined]
    return view


def _is_public() -> bool:
    if request.path in PUBLIC_PATHS or request.method == "OPTIONS":
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return True  # 404/405 are answered by Flask itself
    target = getattr(view, "view_class", view)
    return bool(getattr(target, "_canvass_public", False))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def install_guard(app: Flask) -> None:
    @app.before_request
    def _authenticate() -> None:
        g.actor = None
        if not request.path.startswith("/api/") or _is_public():
            return
        token = bearer_token()
        if token is None:
            raise AuthenticationError(
                "This route needs a bearer token: log in at POST /api/auth/login and send "
                "'Authorization: Bearer <token>'."
            )
        g.actor = auth_service.authenticate(db.session, token)
        g.token = token

    @app.after_request
    def _commit(response):  # type: ignore[no-untyped-def]
        # The request owns the transaction: services flush, the edge commits or rolls back.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response


def actor() -> Any:
    """The authenticated user of this request."""
    return g.actor

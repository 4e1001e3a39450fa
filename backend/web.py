"""Serves the static PWA (``pwa/``) from the same origin as the API.

The app is plain static files, so any static host can serve it too; here Flask does it so
one command runs everything. ``sw.js`` must never be cached by HTTP, or phones would keep
an old service worker for a day.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("web", __name__)

# Routes of the single-page app that a volunteer may open directly (invite links).
APP_ROUTES = {"join", "console", "walk"}
CONSOLE_INDEX = "console/index.html"


def _pwa_dir() -> Path:
    return Path(current_app.config["CANVASS_PWA_DIR"])


@bp.get("/")
def index():
    return _send("index.html")


@bp.get("/<path:path>")
def static_file(path: str):
    if path.startswith("api/"):
        abort(404)
    root = _pwa_dir()
    if path.split("/")[0] in APP_ROUTES and not (root / path).is_file():
        # The organizer console is its own page in pwa/console/; the volunteer app owns the rest.
        if path.split("/")[0] == "console" and (root / CONSOLE_INDEX).is_file():
            return _send(CONSOLE_INDEX)
        return _send("index.html")
    return _send(path)


def _send(path: str):
    response = send_from_directory(_pwa_dir(), path, max_age=0)
    if path in ("sw.js", "index.html", CONSOLE_INDEX) or path.endswith(".webmanifest"):
        response.headers["Cache-Control"] = "no-cache"
    return response

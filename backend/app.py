"""The application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from sqlalchemy import event
from sqlalchemy.engine import Engine

from backend.config import load_config
from backend.extensions import db, migrate


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the Canvass app; ``config`` overrides what the environment sets.

    gunicorn runs ``'backend:create_app()'``.
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(load_config(config))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Many gunicorn workers and threads write one file: wait for the lock, don't fail.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    app.config["SQLALCHEMY_ECHO"] = app.config["CANVASS_SQL_ECHO"]

    from backend import models  # noqa: F401  (registers the tables)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    api = Api(app)
    app.extensions["canvass_api"] = api

    from backend.api import register_api
    from backend.api.errors import register_error_handlers

    register_api(app, api)
    register_error_handlers(app)

    from backend.web import bp as web_bp

    app.register_blueprint(web_bp)

    from backend.cli import register_commands

    register_commands(app)
    return app


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # WAL lets readers work while a sync batch writes; foreign keys are off by default.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

"""The HTTP API: one blueprint per resource, registered from one list."""

from __future__ import annotations

import importlib

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.routing import IntegerConverter

from backend.api.guard import install_guard
from backend.schemas import MAX_ID

# One readable route list: each module exposes ``blp`` (a flask_smorest.Blueprint).
MODULES = (
    "health",
    "auth",
    "users",
    "voters",
    "client_config",
    "sync",
    "exports",
    "universes",
    "turfs",
    "assignments",
    "progress",
    "surveys",
    "corrections",
)


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route, bounded by what an id column holds: a larger number
    matches no route (404, like any unknown id) instead of overflowing the database driver."""

    def __init__(self, map, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register_api(app: Flask, api: Api) -> None:
    # Before any route is added: rules pick their converters when they are added.
    app.url_map.converters["int"] = IdConverter
    api.register_converter(IdConverter, integerconverter2paramschema)
    install_guard(app)
    for name in MODULES:
        module = importlib.import_module(f"backend.api.{name}")
        api.register_blueprint(module.blp)

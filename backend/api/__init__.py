"""The HTTP API: one blueprint per resource, registered from one list."""

from __future__ import annotations

import importlib

from flask import Flask
from flask_smorest import Api

from backend.api.guard import install_guard

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


def register_api(app: Flask, api: Api) -> None:
    install_guard(app)
    for name in MODULES:
        module = importlib.import_module(f"backend.api.{name}")
        api.register_blueprint(module.blp)

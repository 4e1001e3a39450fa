"""Configuration from ``CANVASS_*`` environment variables, with safe defaults.

Development and the demo run on an embedded SQLite file with no set-up. Production
(``CANVASS_ENV=production``) refuses to start without a secret key, because a default
key would let anyone forge sessions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from backend.errors import ConfigError

DEFAULT_INSTANCE_DIR = Path.cwd() / "instance"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from the environment, then apply ``overrides``."""
    env = os.environ if environ is None else environ
    instance_dir = Path(env.get("CANVASS_INSTANCE_DIR", DEFAULT_INSTANCE_DIR))
    canvass_env = env.get("CANVASS_ENV", "development")
    config: dict[str, Any] = {
        "CANVASS_ENV": canvass_env,
        "CANVASS_INSTANCE_DIR": str(instance_dir),
        "SQLALCHEMY_DATABASE_URI": env.get(
            "CANVASS_DATABASE_URL", f"sqlite:///{instance_dir / 'canvass.sqlite'}"
        ),
        "SECRET_KEY": env.get("CANVASS_SECRET_KEY"),
        # Volunteers can stay offline for days; a token that expired mid-shift would strand
        # their outbox until they log in again, so canvasser tokens live a full campaign month.
        "CANVASS_TOKEN_TTL_HOURS": int(env.get("CANVASS_TOKEN_TTL_HOURS", "720")),
        "CANVASS_INVITE_TTL_HOURS": int(env.get("CANVASS_INVITE_TTL_HOURS", "72")),
        "CANVASS_LIST_CODE_TTL_DAYS": int(env.get("CANVASS_LIST_CODE_TTL_DAYS", "30")),
        # Auto-cuts of up to this many doors answer at once; larger ones run as a background job.
        "CANVASS_CUT_INLINE_MAX_DOORS": int(env.get("CANVASS_CUT_INLINE_MAX_DOORS", "3000")),
        # Run background jobs in a thread of the web process (0: leave them to `canvass jobs run`).
        "CANVASS_JOBS_IN_PROCESS": _bool(env.get("CANVASS_JOBS_IN_PROCESS", "1")),
        "CANVASS_JOB_STALE_MINUTES": int(env.get("CANVASS_JOB_STALE_MINUTES", "30")),
        "CANVASS_TILE_URL": env.get("CANVASS_TILE_URL", ""),
        "CANVASS_TILE_ATTRIBUTION": env.get("CANVASS_TILE_ATTRIBUTION", ""),
        "CANVASS_GEOCODER": env.get("CANVASS_GEOCODER", "nominatim"),
        "CANVASS_GEOCODER_DOMAIN": env.get("CANVASS_GEOCODER_DOMAIN", ""),
        "CANVASS_GEOCODER_SCHEME": env.get("CANVASS_GEOCODER_SCHEME", "https"),
        "CANVASS_GEOCODER_MIN_DELAY": float(env.get("CANVASS_GEOCODER_MIN_DELAY", "1.0")),
        "CANVASS_GEOCODER_USER_AGENT": env.get("CANVASS_GEOCODER_USER_AGENT", "canvass/0.1"),
        "CANVASS_GEOCODER_TIMEOUT": float(env.get("CANVASS_GEOCODER_TIMEOUT", "10")),
        "CANVASS_GEOCODER_MAX_RETRIES": int(env.get("CANVASS_GEOCODER_MAX_RETRIES", "2")),
        "CANVASS_GEOCODER_ERROR_WAIT": float(env.get("CANVASS_GEOCODER_ERROR_WAIT", "5")),
        "CANVASS_PWA_DIR": env.get(
            "CANVASS_PWA_DIR", str(Path(__file__).resolve().parent.parent / "pwa")
        ),
        "CANVASS_MAX_SYNC_BATCH": int(env.get("CANVASS_MAX_SYNC_BATCH", "200")),
        "MAX_CONTENT_LENGTH": int(env.get("CANVASS_MAX_REQUEST_BYTES", str(2 * 1024 * 1024))),
        "CANVASS_SQL_ECHO": _bool(env.get("CANVASS_SQL_ECHO", "0")),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "API_TITLE": "Canvass API",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "opaque"}
                }
            },
            "info": {"description": "Canvass: voter files, turfs, door lists, canvass reports."},
        },
        "TESTING": False,
    }
    if overrides:
        config.update(overrides)
    if not config.get("SECRET_KEY"):
        if config["CANVASS_ENV"] == "production":
            raise ConfigError(
                "CANVASS_SECRET_KEY is not set: production needs a long random secret key "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        config["SECRET_KEY"] = "dev-only-insecure-key"
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////:memory:"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return config

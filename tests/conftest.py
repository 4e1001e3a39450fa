"""Fixtures shared by the whole suite: the app on both databases, clients and factories.

Every database test runs on SQLite (a file, as on a laptop) and on PostgreSQL (as in
production). PostgreSQL comes from ``CANVASS_TEST_PG_URL`` (default: the local server,
user postgres, trust auth); a throw-away database is created per test run and dropped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from backend import create_app
from backend.extensions import db

PG_ADMIN_URL = os.environ.get(
    "CANVASS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One fresh database of each kind for the run, lazily created."""
    made: dict[str, str] = {}
    pg_name = f"canvass_test_{os.getpid()}_{secrets.token_hex(3)}"

    class Urls(dict[str, str]):
        def __missing__(self, kind: str) -> str:
            if kind == "sqlite":
                url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'canvass.sqlite'}"
            elif kind == "postgresql":
                url = _create_pg_database(pg_name)
            else:
                raise KeyError(kind)
            made[kind] = url
            self[kind] = url
            return url

    urls = Urls()
    yield urls
    if "postgresql" in made:
        _drop_pg_database(pg_name)


def _admin_connect():
    import psycopg

    url = make_url(PG_ADMIN_URL).set(drivername="postgresql")
    try:
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc}). Start it (see TESTING in "
            "README) or set CANVASS_TEST_PG_URL; run only SQLite with -k 'not postgresql'.",
            pytrace=False,
        )


def _create_pg_database(name: str) -> str:
    with _admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(name: str) -> None:
    with _admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_migrated: set[str] = set()


def make_app(url: str, **config):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "SECRET_KEY": "test-secret", **config})
    with app.app_context():
        if url not in _migrated:
            # The schema comes from the real migrations, so they are tested on both databases.
            from flask_migrate import upgrade

            upgrade()
            _migrated.add(url)
        else:
            _clean(url)
    return app


def _clean(url: str) -> None:
    from backend.services.surveys import ensure_standard_result_codes

    tables = [t.name for t in db.metadata.sorted_tables]
    if url.startswith("postgresql"):
        db.session.execute(text(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        ))
    else:
        for name in reversed(tables):
            db.session.execute(text(f'DELETE FROM "{name}"'))
        db.session.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence() else None
    ensure_standard_result_codes(db.session)
    db.session.commit()


def _has_sqlite_sequence() -> bool:
    return bool(db.session.execute(
        text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")
    ).first())


@pytest.fixture(params=DATABASES)
def db_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app(db_kind: str, database_urls: dict[str, str]):
    app = make_app(database_urls[db_kind])
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    """A database session inside an app context, for service tests."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def factory(app):
    from tests.factories import Factory

    with app.app_context():
        yield Factory(db.session)


class ApiClient:
    """The test client with a bearer token, for a user made by the factory."""

    def __init__(self, client, token: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self.headers, **kw)

    def put(self, url, **kw):
        return self.client.put(url, headers=self.headers, **kw)

    def patch(self, url, **kw):
        return self.client.patch(url, headers=self.headers, **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self.headers, **kw)


@pytest.fixture
def login(client):
    """``login(user)`` -> an ApiClient logged in through the real login route."""

    def _login(user, password: str = "correct horse battery"):
        response = client.post("/api/auth/login", json={"email": user.email, "password": password})
        assert response.status_code == 200, response.get_json()
        return ApiClient(client, response.get_json()["token"])

    return _login


ROOT = Path(__file__).resolve().parent.parent

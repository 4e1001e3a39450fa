"""The factory, configuration, OpenAPI document and migrations."""

from __future__ import annotations

import pytest

from backend import create_app
from backend.config import load_config
from backend.errors import ConfigError


def test_production_without_secret_key_is_an_error():
    with pytest.raises(ConfigError, match="CANVASS_SECRET_KEY"):
        load_config(environ={"CANVASS_ENV": "production"})


def test_config_comes_from_canvass_environment_variables(tmp_path):
    config = load_config(environ={
        "CANVASS_ENV": "production", "CANVASS_SECRET_KEY": "s" * 40,
        "CANVASS_DATABASE_URL": "postgresql+psycopg://u@h/db", "CANVASS_TOKEN_TTL_HOURS": "5",
        "CANVASS_INSTANCE_DIR": str(tmp_path),
    })
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["CANVASS_TOKEN_TTL_HOURS"] == 5
    default = load_config(environ={"CANVASS_INSTANCE_DIR": str(tmp_path)})
    assert default["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'canvass.sqlite'}"


def test_openapi_document_is_generated_from_the_schemas(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["info"]["title"] == "Canvass API"
    assert "/api/auth/login" in spec["paths"]
    assert "LoginSchema" in str(spec["components"]["schemas"]) or "Login" in str(spec["components"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_migrations_match_the_models(app):
    """`canvass db upgrade` builds exactly the schema the models describe, on both databases."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from backend.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


@pytest.fixture
def fresh_url(db_kind, tmp_path):
    """An empty database of the kind under test, for migrating step by step."""
    import secrets

    from tests.conftest import _create_pg_database, _drop_pg_database

    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite'}"
        return
    name = f"canvass_migrate_{secrets.token_hex(4)}"
    yield _create_pg_database(name)
    _drop_pg_database(name)


def test_dropping_the_stored_turf_status_keeps_turfs_and_their_doors(fresh_url):
    """0003 drops turfs.status in place: on SQLite, Alembic's batch mode would copy the table
    and drop the old one, which foreign keys from turf_doors refuse (or would cascade)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from backend.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True,
                      "SECRET_KEY": "test-secret"})  # fmt: skip
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO doors (id, address_key, building_key, address_line, unit, city, state, "
                "zip, geocode_status, access_note, created_at, updated_at) VALUES (1, 'k', 'b', '1 Main St', '', "
                "'Town', 'OH', '43004', 'pending', '', '2026-01-01', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO turfs (id, name, status, door_count, voter_count, walk_m, minutes, "
                "created_at, updated_at) VALUES (1, 'T1', 'not_started', 1, 0, 0, 0, "
                "'2026-01-01', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO turf_doors (turf_id, door_id, position, added_at) "
                "VALUES (1, 1, 0, '2026-01-01')"))
        upgrade()
        assert "status" not in {c["name"] for c in inspect(db.engine).get_columns("turfs")}
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM turfs")).scalars().all() == ["T1"]
            assert conn.execute(text("SELECT COUNT(*) FROM turf_doors")).scalar() == 1
        downgrade(revision="0002")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT status FROM turfs")).scalars().all() == ["not_started"]
        db.engine.dispose()


def test_standard_result_codes_are_preloaded(session):
    from backend.models import ResultCode

    codes = {r.code: r for r in session.query(ResultCode)}
    assert {"not_home", "refused", "moved", "deceased", "inaccessible", "wrong_address"} <= set(codes)
    assert codes["not_home"].van_result_code_id == 1 and codes["moved"].rank > codes["canvassed"].rank


def test_health_reports_the_database(client, db_kind):
    assert client.get("/api/health").get_json() == {"status": "ok", "database": db_kind}


def test_cli_create_user_then_login(runner, client):
    result = runner.invoke(args=["create-user", "org@example.org", "--role", "organizer",
                                 "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    assert "Created organizer org@example.org" in result.output
    again = runner.invoke(args=["create-user", "org@example.org", "--password", "long enough pw"])
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["create-user", "new@example.org", "--password", "short"])
    assert short.exit_code != 0
    assert "cannot be created: password must be at least 8 characters" in short.output
    response = client.post("/api/auth/login", json={"email": "org@example.org",
                                                    "password": "long enough pw"})
    assert response.status_code == 200


def test_app_factory_makes_independent_apps(tmp_path):
    a = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite'}"})
    b = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite'}"})
    assert a is not b and a.extensions["canvass_api"] is not b.extensions["canvass_api"]


def test_existing_turfs_keep_their_universes_filters_when_migrated(fresh_url):
    """0004 gives each turf a copy of its universe's filters (those it will keep when the
    universe is edited), and {} to a turf without a universe; on SQLite in place, as 0003."""
    import json

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from backend.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True,
                      "SECRET_KEY": "test-secret"})  # fmt: skip
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO universes (id, name, filters, created_at, updated_at) VALUES "
                "(1, 'Dems', '{\"parties\": [\"D\"]}', '2026-01-01', '2026-01-01')"))
            for turf_id, universe_id in ((1, "1"), (2, "NULL")):
                conn.execute(text(
                    "INSERT INTO turfs (id, name, universe_id, door_count, voter_count, walk_m, "
                    f"minutes, created_at, updated_at) VALUES ({turf_id}, 'T{turf_id}', "
                    f"{universe_id}, 0, 0, 0, 0, '2026-01-01', '2026-01-01')"))
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, filters FROM turfs ORDER BY id")).all()
        assert [(i, f if isinstance(f, dict) else json.loads(f)) for i, f in rows] == [
            (1, {"parties": ["D"]}), (2, {})]
        downgrade(revision="0003")
        assert "filters" not in {c["name"] for c in inspect(db.engine).get_columns("turfs")}
        db.engine.dispose()

"""Liveness: the database answers."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def check(session: Session) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    return {"status": "ok", "database": session.get_bind().dialect.name}

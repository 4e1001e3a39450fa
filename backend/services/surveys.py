"""Survey questions, their responses, and the result codes in use."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import ResultCode
from backend.models.surveys import STANDARD_RESULT_CODES


def ensure_standard_result_codes(session: Session) -> None:
    """Add any of VAN's standard result codes that are missing (the migration adds them
    to a new database; this restores them where they were removed)."""
    have = set(session.scalars(select(ResultCode.code)))
    for position, (code, name, rank, scope, van_id) in enumerate(STANDARD_RESULT_CODES):
        if code not in have:
            session.add(ResultCode(code=code, name=name, rank=rank, scope=scope,
                                   van_result_code_id=van_id, position=position))
    session.flush()

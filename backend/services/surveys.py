"""Survey questions, their responses, and the result codes in use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from backend.errors import Conflict, NotFound, ValidationError
from backend.models import CanvassReportItem, ResultCode, SurveyQuestion, SurveyResponse, User
from backend.models._types import utcnow
from backend.models.surveys import STANDARD_RESULT_CODES
from backend.services.access import require_organizer
from backend.services.changes import record_change


def ensure_standard_result_codes(session: Session) -> None:
    """Add any of VAN's standard result codes that are missing (the migration adds them
    to a new database; this restores them where they were removed)."""
    have = set(session.scalars(select(ResultCode.code)))
    for position, (code, name, rank, scope, van_id) in enumerate(STANDARD_RESULT_CODES):
        if code not in have:
            session.add(ResultCode(code=code, name=name, rank=rank, scope=scope,
                                   van_result_code_id=van_id, position=position))
    session.flush()


def _question_view(question: SurveyQuestion) -> dict[str, Any]:
    return {
        "id": question.id, "name": question.name, "script_text": question.script_text,
        "kind": question.kind, "position": question.position, "is_active": question.is_active,
        "van_survey_question_id": question.van_survey_question_id,
        "created_at": question.created_at, "updated_at": question.updated_at,
        "responses": [{"id": r.id, "name": r.name, "short_name": r.short_name,
                       "position": r.position, "van_survey_response_id": r.van_survey_response_id}
                      for r in question.responses],
    }


def list_questions(session: Session, actor: User, *, active: bool | None = None) -> list[dict[str, Any]]:
    """Everyone may read the survey (phones need it); only organizers change it."""
    query = select(SurveyQuestion).options(selectinload(SurveyQuestion.responses)).order_by(
        SurveyQuestion.position, SurveyQuestion.id)
    if not actor.is_organizer:
        active = True
    if active is not None:
        query = query.where(SurveyQuestion.is_active.is_(active))
    return [_question_view(q) for q in session.scalars(query)]


def _question(session: Session, question_id: int) -> SurveyQuestion:
    question = session.get(SurveyQuestion, question_id)
    if question is None:
        raise NotFound(f"Survey question {question_id} does not exist.")
    return question


def get_question(session: Session, question_id: int, actor: User) -> dict[str, Any]:
    question = _question(session, question_id)
    if not actor.is_organizer and not question.is_active:
        raise NotFound(f"Survey question {question_id} does not exist.")
    return _question_view(question)


def _check_responses(kind: str, responses: list[dict[str, Any]]) -> None:
    names = [r["name"].strip().lower() for r in responses]
    if kind in ("single", "multi") and not responses:
        raise ValidationError(f"A {kind}-choice question needs at least one response.",
                              errors={"responses": ["at least one response is needed"]})
    if len(set(names)) != len(names):
        raise ValidationError("Two responses have the same name.",
                              errors={"responses": ["response names must differ"]})


def _answered(session: Session, response_ids: list[int]) -> set[int]:
    if not response_ids:
        return set()
    return set(session.scalars(select(CanvassReportItem.survey_response_id).where(
        CanvassReportItem.survey_response_id.in_(response_ids)).distinct()))


def create_question(session: Session, data: dict[str, Any], actor: User) -> dict[str, Any]:
    require_organizer(actor, "set up the survey")
    responses = data.get("responses") or []
    _check_responses(data.get("kind", "single"), responses)
    position = data.get("position")
    if position is None:
        position = (session.scalar(select(func.max(SurveyQuestion.position))) or 0) + 1
    question = SurveyQuestion(
        name=data["name"].strip(), script_text=data.get("script_text", ""),
        kind=data.get("kind", "single"), position=position,
        is_active=data.get("is_active", True),
        van_survey_question_id=data.get("van_survey_question_id"))
    question.responses = [
        SurveyResponse(name=r["name"].strip(), short_name=r.get("short_name", ""), position=i,
                       van_survey_response_id=r.get("van_survey_response_id"))
        for i, r in enumerate(responses)]
    session.add(question)
    session.flush()
    record_change(session, "survey_changed", payload={"survey_question_id": question.id})
    return _question_view(question)


def update_question(session: Session, question_id: int, data: dict[str, Any],
                    actor: User) -> dict[str, Any]:
    """Change a question. ``responses``, when given, is the full new list: items with an
    ``id`` keep that response (renamed, reordered), items without are added, and responses
    left out are removed, unless a canvasser already recorded them (409)."""
    require_organizer(actor, "set up the survey")
    question = _question(session, question_id)
    for key in ("name", "script_text", "kind", "position", "is_active", "van_survey_question_id"):
        if key in data:
            setattr(question, key, data[key].strip() if key == "name" else data[key])
    if "responses" in data:
        responses = data["responses"]
        _check_responses(question.kind, responses)
        current = {r.id: r for r in question.responses}
        unknown = [r["id"] for r in responses if r.get("id") is not None and r["id"] not in current]
        if unknown:
            raise ValidationError(f"Responses {unknown} do not belong to this question.",
                                  errors={"responses": [f"unknown ids {unknown}"]})
        kept_ids = {r["id"] for r in responses if r.get("id") is not None}
        dropped = [rid for rid in current if rid not in kept_ids]
        used = _answered(session, dropped)
        if used:
            names = ", ".join(current[r].name for r in sorted(used))
            raise Conflict(f"Responses already recorded in the field cannot be removed ({names}); "
                           "deactivate the question and make a new one instead.",
                           errors={"responses": [f"recorded: {sorted(used)}"]})
        new_list = []
        for i, item in enumerate(responses):
            response = current.get(item.get("id")) if item.get("id") is not None else None
            if response is None:
                response = SurveyResponse(name=item["name"].strip())
            response.name = item["name"].strip()
            response.short_name = item.get("short_name", "")
            response.position = i
            response.van_survey_response_id = item.get("van_survey_response_id")
            new_list.append(response)
        question.responses = new_list
    question.updated_at = utcnow()
    session.flush()
    record_change(session, "survey_changed", payload={"survey_question_id": question.id})
    return _question_view(question)


def delete_question(session: Session, question_id: int, actor: User) -> None:
    """Retire a question: it leaves the survey phones download, but the row stays.

    Never a hard delete, even before the server has any answer to it: phones download the
    survey as soon as a question is active and may hold offline answers to it, and a report
    naming a question the server no longer has is rejected whole (every other answer and
    result in it lost). A retired question's answers are still accepted and stored."""
    require_organizer(actor, "set up the survey")
    question = _question(session, question_id)
    question.is_active = False
    question.updated_at = utcnow()
    session.flush()
    record_change(session, "survey_changed", payload={"survey_question_id": question_id})


def _code_view(code: ResultCode) -> dict[str, Any]:
    return {"id": code.id, "code": code.code, "name": code.name, "rank": code.rank,
            "scope": code.scope, "van_result_code_id": code.van_result_code_id,
            "position": code.position, "is_active": code.is_active}


def list_result_codes(session: Session, actor: User) -> list[dict[str, Any]]:
    query = select(ResultCode).order_by(ResultCode.position, ResultCode.id)
    if not actor.is_organizer:
        query = query.where(ResultCode.is_active.is_(True))
    return [_code_view(c) for c in session.scalars(query)]


def create_result_code(session: Session, data: dict[str, Any], actor: User) -> dict[str, Any]:
    require_organizer(actor, "set up result codes")
    if session.scalar(select(ResultCode.id).where(ResultCode.code == data["code"])) is not None:
        raise Conflict(f"Result code {data['code']!r} already exists.", errors={"code": ["taken"]})
    position = data.get("position")
    if position is None:
        position = (session.scalar(select(func.max(ResultCode.position))) or 0) + 1
    code = ResultCode(code=data["code"], name=data["name"].strip(), rank=data.get("rank", 1),
                      scope=data.get("scope", "both"), position=position,
                      van_result_code_id=data.get("van_result_code_id"),
                      is_active=data.get("is_active", True))
    session.add(code)
    session.flush()
    record_change(session, "survey_changed", payload={"result_code": code.code})
    return _code_view(code)


def update_result_code(session: Session, code_id: int, data: dict[str, Any],
                       actor: User) -> dict[str, Any]:
    """Rename, reorder, enable or disable a result code. The ``code`` and ``rank`` stay: the
    derived contact history depends on them."""
    require_organizer(actor, "set up result codes")
    code = session.get(ResultCode, code_id)
    if code is None:
        raise NotFound(f"Result code {code_id} does not exist.")
    for key in ("name", "position", "is_active", "van_result_code_id"):
        if key in data:
            setattr(code, key, data[key].strip() if key == "name" else data[key])
    session.flush()
    record_change(session, "survey_changed", payload={"result_code": code.code})
    return _code_view(code)

"""Exports of contact history for organizers: our CSV, and NGP VAN's canvass-response shapes
(FORMATS.md section 2) so a campaign can push our results into VAN with its own tools.

VAN rules kept here: ``resultCodeId`` and ``responses`` are mutually exclusive (responses
imply "Canvassed"); contact type Walk is ``contactTypeId`` 2; the input type defaults to 11
("API"). Our voters carry the state voter-file id, not a VANID, so the JSON items address
people as ``{personIdType}:{personId}`` (VAN's external-id form) and the bulk CSV leaves
``vanid`` empty and adds ``statefileid`` for the campaign's own matching.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import (
    CanvassReport,
    CanvassReportItem,
    ContactHistory,
    Door,
    ResultCode,
    SurveyQuestion,
    SurveyResponse,
    User,
    Voter,
)
from backend.services.access import require_organizer

__all__ = [
    "CONTACT_HISTORY_COLUMNS",
    "VAN_BULK_COLUMNS",
    "WALK",
    "contact_history_rows",
    "van_canvass_responses",
    "van_canvass_results_rows",
]

WALK = 2
API_INPUT_TYPE = 11
VAN_CANVASSED = 14
CONTACT_HISTORY_COLUMNS = (
    "subject_type", "voter_id", "state_id", "first_name", "last_name", "door_id",
    "address_line", "unit", "city", "zip", "status", "rank", "effective_at", "attempts",
    "not_home_count", "last_attempt_at", "needs_review", "report_uuid",
)
VAN_BULK_COLUMNS = (
    "vanid", "contacttypeid", "resultid", "datecanvassed", "canvassedby", "phone",
    "countrycode", "phonetypeid", "phoneoptinstatusid", "addressid", "statefileid",
)


def contact_history_rows(session: Session, actor: User) -> Iterator[dict[str, Any]]:
    """One row per voter and per door with a derived status (organizers only).

    The access check runs at the call; rows are then read in pages by id (each page its own
    query), so a streamed response survives the request's commit."""
    require_organizer(actor, "export contact history")
    return _contact_history_pages(session)


def _contact_history_pages(session: Session, page: int = 2000) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        rows = session.execute(
            select(ContactHistory, Voter, Door)
            .join(Door, Door.id == ContactHistory.door_id)
            .outerjoin(Voter, Voter.id == ContactHistory.voter_id)
            .where(ContactHistory.id > last).order_by(ContactHistory.id).limit(page)
        ).all()
        if not rows:
            return
        for ch, voter, door in rows:
            yield {
                "subject_type": "voter" if voter is not None else "door",
                "voter_id": voter.id if voter else "",
                "state_id": voter.state_id if voter else "",
                "first_name": voter.first_name if voter else "",
                "last_name": voter.last_name if voter else "",
                "door_id": door.id, "address_line": door.address_line, "unit": door.unit,
                "city": door.city, "zip": door.zip, "status": ch.status, "rank": ch.rank,
                "effective_at": _iso(ch.effective_at), "attempts": ch.attempts,
                "not_home_count": ch.not_home_count,
                "last_attempt_at": _iso(ch.last_attempt_at),
                "needs_review": int(ch.needs_review), "report_uuid": ch.report_uuid or "",
            }
        last = rows[-1][0].id


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _attempts(session: Session, since: dt.datetime | None) -> Iterator[dict[str, Any]]:
    """Each counted report's outcome per voter: one VAN canvass response per attempt."""
    reports = select(CanvassReport).order_by(CanvassReport.id)
    if since is not None:
        reports = reports.where(CanvassReport.received_at >= since)
    reports_list = session.scalars(reports).all()
    superseded = set(session.scalars(select(CanvassReport.supersedes_uuid).where(
        CanvassReport.supersedes_uuid.is_not(None))))
    door_ids = {r.door_id for r in reports_list}
    living: dict[int, list[Voter]] = defaultdict(list)
    voters: dict[int, Voter] = {}
    for voter in session.scalars(select(Voter).where(Voter.door_id.in_(door_ids))):
        living[voter.door_id].append(voter)  # type: ignore[index]
        voters[voter.id] = voter
    items: dict[int, list[CanvassReportItem]] = defaultdict(list)
    for item in session.scalars(select(CanvassReportItem).where(
            CanvassReportItem.canvass_report_id.in_([r.id for r in reports_list]))):
        items[item.canvass_report_id].append(item)
    missing = {i.voter_id for its in items.values() for i in its} - set(voters) - {None}
    for voter in session.scalars(select(Voter).where(Voter.id.in_(missing))):
        voters[voter.id] = voter
    names = dict(session.execute(select(User.id, User.name)).all())
    for report in reports_list:
        if report.uuid in superseded:
            continue
        own: dict[int, list[CanvassReportItem]] = defaultdict(list)
        for item in items.get(report.id, []):
            if item.voter_id is not None:
                own[item.voter_id].append(item)
        door_code = report.result_code or ("lit_drop" if report.kind == "lit_drop" else None)
        subjects = {v.id for v in living.get(report.door_id, [])} | set(own)
        for voter_id in sorted(subjects):
            voter_items = own.get(voter_id, [])
            code = next((i.result_code for i in voter_items if i.result_code), None)
            answers = [(i.survey_question_id, i.survey_response_id) for i in voter_items
                       if i.survey_response_id is not None]
            if not voter_items:
                code = door_code
            if code is None and not answers:
                continue
            yield {"report": report, "voter": voters[voter_id], "code": code,
                   "answers": answers, "canvasser": names.get(report.canvasser_id, "")}


def van_canvass_responses(
    session: Session, actor: User, *, since: dt.datetime | None = None,
    input_type_id: int = API_INPUT_TYPE, person_id_type: str = "StateFileID",
) -> dict[str, Any]:
    """Every counted attempt as VAN's ``POST people/{personIdType}:{personId}/canvassResponses``
    body; attempts whose codes or answers have no VAN id are listed in ``skipped``."""
    require_organizer(actor, "export canvass responses")
    code_ids = dict(session.execute(select(ResultCode.code, ResultCode.van_result_code_id)).all())
    question_ids = dict(session.execute(
        select(SurveyQuestion.id, SurveyQuestion.van_survey_question_id)).all())
    response_ids = dict(session.execute(
        select(SurveyResponse.id, SurveyResponse.van_survey_response_id)).all())
    items, skipped = [], []
    for attempt in _attempts(session, since):
        report, voter = attempt["report"], attempt["voter"]
        body: dict[str, Any] = {
            "canvassContext": {"contactTypeId": WALK, "inputTypeId": input_type_id,
                               "dateCanvassed": report.effective_at.isoformat()},
            "resultCodeId": None, "responses": None,
        }
        reason = None
        if attempt["answers"]:
            responses = []
            for question, response in attempt["answers"]:
                if question_ids.get(question) and response_ids.get(response):
                    responses.append({"type": "SurveyResponse",
                                      "surveyQuestionId": question_ids[question],
                                      "surveyResponseId": response_ids[response]})
            if responses:
                body["responses"] = responses
            else:
                reason = "survey questions without VAN ids"
        elif code_ids.get(attempt["code"]):
            body["resultCodeId"] = code_ids[attempt["code"]]
        else:
            reason = f"result code {attempt['code']!r} has no VAN id"
        entry = {"personIdType": person_id_type, "personId": voter.state_id,
                 "reportUuid": report.uuid}
        if reason:
            skipped.append({**entry, "reason": reason})
        else:
            items.append({**entry, "path": f"people/{person_id_type}:{voter.state_id}"
                                           "/canvassResponses", "body": body})
    return {"items": items, "count": len(items), "skipped": skipped}


def van_canvass_results_rows(
    session: Session, actor: User, *, since: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """VAN's bulk ``CanvassResults`` layout, one row per attempt (responses count as
    Canvassed, VAN result 14); ``statefileid`` is added because we hold no VANIDs."""
    require_organizer(actor, "export canvass results")
    return list(_van_rows(session, since))


def _van_rows(session: Session, since: dt.datetime | None) -> Iterator[dict[str, Any]]:
    code_ids = dict(session.execute(select(ResultCode.code, ResultCode.van_result_code_id)).all())
    for attempt in _attempts(session, since):
        result_id = VAN_CANVASSED if attempt["answers"] else code_ids.get(attempt["code"])
        if not result_id:
            continue
        yield {"vanid": "", "contacttypeid": WALK, "resultid": result_id,
               "datecanvassed": attempt["report"].effective_at.isoformat(),
               "canvassedby": attempt["canvasser"], "phone": "", "countrycode": "",
               "phonetypeid": "", "phoneoptinstatusid": "", "addressid": "",
               "statefileid": attempt["voter"].state_id}

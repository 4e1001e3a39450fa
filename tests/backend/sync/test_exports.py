"""Exports: contact history CSV and the NGP VAN canvass-response shapes, organizers only."""

from __future__ import annotations

import csv
import io

from backend.models import ResultCode
from tests.backend.sync.conftest import make_report, push


def _pushed(field, login, session):
    field.question.van_survey_question_id = 501
    field.yes.van_survey_response_id = 7001
    session.commit()
    api = login(field.alice)
    d0, d1 = field.doors[:2]
    v0 = [v for v in field.voters if v.door_id == d0.id]
    talked = make_report(d0, field.turf, result_code=None, voters=[
        {"voter_id": v0[0].id, "responses": [
            {"survey_question_id": field.question.id, "survey_response_id": field.yes.id}]}])
    not_home = make_report(d1, field.turf, result_code="not_home")
    wrong = make_report(d1, field.turf, result_code="wrong_address")  # no public VAN id
    assert [r["status"] for r in push(api, [talked, not_home, wrong]).get_json()[
        "results"]] == ["accepted"] * 3
    return talked, not_home, wrong, v0


def test_van_canvass_responses_shape(field, login, session):
    """Responses go in responses[] (no resultCodeId), results in resultCodeId; Walk = 2;
    codes without a VAN id are listed as skipped, never sent with a made-up id."""
    talked, not_home, wrong, v0 = _pushed(field, login, session)
    body = login(field.organizer).get("/api/exports/van_canvass_responses").get_json()
    by_report = {}
    for item in body["items"]:
        by_report.setdefault(item["reportUuid"], []).append(item)
    talk = by_report[talked["uuid"]]
    assert len(talk) == 1 and talk[0]["personId"] == v0[0].state_id
    assert talk[0]["path"] == f"people/StateFileID:{v0[0].state_id}/canvassResponses"
    assert talk[0]["body"]["resultCodeId"] is None
    assert talk[0]["body"]["responses"] == [
        {"type": "SurveyResponse", "surveyQuestionId": 501, "surveyResponseId": 7001}]
    context = talk[0]["body"]["canvassContext"]
    assert context["contactTypeId"] == 2 and context["inputTypeId"] == 11
    assert context["dateCanvassed"].startswith(talked["recorded_at"][:19])
    nh = by_report[not_home["uuid"]]
    assert len(nh) == 2  # both voters at the door
    assert all(i["body"]["resultCodeId"] == 1 and i["body"]["responses"] is None for i in nh)
    assert {s["reportUuid"] for s in body["skipped"]} == {wrong["uuid"]}
    assert body["count"] == 3


def test_van_bulk_csv_and_contact_history_csv(field, login, session):
    _, _, _, v0 = _pushed(field, login, session)
    api = login(field.organizer)
    response = api.get("/api/exports/van_canvass_results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0])[:10] == ["vanid", "contacttypeid", "resultid", "datecanvassed",
                                  "canvassedby", "phone", "countrycode", "phonetypeid",
                                  "phoneoptinstatusid", "addressid"]
    assert sorted(r["resultid"] for r in rows) == ["1", "1", "14"]
    assert {r["contacttypeid"] for r in rows} == {"2"}
    assert {r["canvassedby"] for r in rows} == {"Alice"}
    response = api.get("/api/exports/contact_history.csv")
    history = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    statuses = {(r["subject_type"], r["voter_id"] or r["door_id"]): r["status"] for r in history}
    assert statuses[("voter", str(v0[0].id))] == "canvassed"
    assert statuses[("door", str(field.doors[1].id))] in ("not_home", "wrong_address")


def test_exports_are_for_organizers_only(field, login):
    api = login(field.alice)
    for url in ("/api/exports/contact_history.csv", "/api/exports/van_canvass_responses",
                "/api/exports/van_canvass_results.csv"):
        assert api.get(url).status_code == 403, url


def test_result_codes_carry_van_ids(session, field):
    """The stock result codes map to VAN's public ids (Not Home 1, Canvassed 14)."""
    ids = dict(session.query(ResultCode.code, ResultCode.van_result_code_id))
    assert ids["not_home"] == 1 and ids["canvassed"] == 14 and ids["moved"] == 5

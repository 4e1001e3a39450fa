"""QA of the organizer API at its edges: input a person or a script really sends (a time
without a zone, an id beyond what the database holds) gets a 4xx saying what is wrong,
never a 500."""

from __future__ import annotations

import datetime as dt

T0 = dt.datetime(2026, 10, 3, 15, 0, tzinfo=dt.UTC)


def test_progress_and_quality_read_a_time_without_a_zone_as_utc(org, county, factory):
    """QA: ``/api/progress?since=2026-10-04`` (a date, or a time with no zone: what an
    organizer types) was a 500; the documented meaning is UTC."""
    factory.report(county.doors[0], county.alice, recorded_at=T0)
    factory.report(county.doors[1], county.bob, recorded_at=T0 + dt.timedelta(days=1))
    for since in ("2026-10-04", "2026-10-04T00:00:00", "2026-10-04T00:00:00Z"):
        response = org.get(f"/api/progress?by=canvasser&since={since}")
        assert response.status_code == 200, (since, response.get_json())
        assert [r["key"] for r in response.get_json()["rows"]] == [county.bob.id]
    until = org.get("/api/progress?by=canvasser&until=2026-10-04T00:00:00").get_json()
    assert [r["key"] for r in until["rows"]] == [county.alice.id]
    quality = org.get("/api/quality?since=2026-10-04T00:00:00&until=2026-10-05")
    assert quality.status_code == 200
    assert org.get("/api/progress?since=yesterday").status_code == 422


BIG = 2**63  # one more than any id column holds


def test_an_id_too_large_for_the_database_is_unknown_not_a_500(org, alice, county, factory):
    """QA: an id past 2**63 - 1 in a path, a query or a body (a typo, a script's bug)
    reached the database driver, which cannot hold it: 500 on SQLite. In a path it is now an
    unknown id (404); in a query or body a 422 naming the field."""
    turf = factory.turf(county.doors[:2], assigned_to=[county.alice])
    for method, path in [
        ("get", f"/api/turfs/{BIG}"), ("delete", f"/api/turfs/{BIG}"),
        ("get", f"/api/turfs/{BIG}/door_list"), ("post", f"/api/turfs/{BIG}/split"),
        ("get", f"/api/universes/{BIG}"), ("delete", f"/api/universes/{BIG}"),
        ("post", f"/api/universes/{BIG}/cut"), ("get", f"/api/jobs/{BIG}"),
        ("get", f"/api/voters/{BIG}"), ("get", f"/api/doors/{BIG}"),
        ("delete", f"/api/assignments/{BIG}"), ("patch", f"/api/users/{BIG}"),
        ("get", f"/api/survey_questions/{BIG}"), ("patch", f"/api/result_codes/{BIG}"),
        ("post", f"/api/field_corrections/{BIG}/accept"),
        ("put", f"/api/turfs/{BIG}/assignees"),
    ]:
        response = getattr(org, method)(path, json={})
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.get_json()["code"] == "not_found"
    for method, path, body, field in [
        ("post", "/api/turfs/merge", {"turf_ids": [turf.id, BIG]}, "turf_ids"),
        ("post", "/api/turfs/recut", {"turf_ids": [BIG]}, "turf_ids"),
        ("post", f"/api/turfs/{turf.id}/remove_doors", {"door_ids": [BIG]}, "door_ids"),
        ("post", "/api/assignments", {"turf_ids": [BIG], "user_ids": [county.alice.id]}, "turf_ids"),
        ("put", f"/api/turfs/{turf.id}/assignees", {"user_ids": [BIG]}, "user_ids"),
        ("post", "/api/universes/preview", {"voted_in": [BIG]}, "voted_in"),
        ("get", f"/api/turfs?assignee_id={BIG}", None, "assignee_id"),
        ("get", f"/api/progress?universe_id={BIG}", None, "universe_id"),
    ]:
        response = getattr(org, method)(path, json=body) if body else org.get(path)
        assert response.status_code == 422, (path, response.status_code)
        assert field in response.get_json()["errors"], (path, response.get_json())


def test_a_report_with_an_id_too_large_is_rejected_alone(alice, county, factory):
    """A sync batch with one report naming an impossible door: that report is rejected with
    the field named; the batch's other report is stored (it was a 500 for the whole batch)."""
    import uuid

    turf = factory.turf(county.doors[:2], assigned_to=[county.alice])

    def body(door_id):
        return {"uuid": str(uuid.uuid4()), "door_id": door_id, "turf_id": turf.id,
                "recorded_at": dt.datetime.now(dt.UTC).isoformat(), "result_code": "not_home"}

    response = alice.post("/api/sync/reports", json={"reports": [body(BIG), body(county.doors[0].id)]})
    assert response.status_code == 200, response.get_json()
    first, second = response.get_json()["results"]
    assert first["status"] == "rejected" and "door_id" in first["errors"]
    assert second["status"] == "accepted"


def test_the_voter_list_refuses_a_negative_page(org, county):
    """QA: ?limit=-1 listed every voter on SQLite (a negative LIMIT is none there) and was
    a 500 on PostgreSQL, like ?offset=-5; both are now a 422 naming the field."""
    assert len(org.get("/api/voters?limit=5").get_json()) == 5
    for query, field in [("limit=-1", "limit"), ("limit=0", "limit"), ("offset=-5", "offset"),
                         (f"offset={BIG}", "offset")]:
        response = org.get(f"/api/voters?{query}")
        assert response.status_code == 422, (query, response.status_code)
        assert field in response.get_json()["errors"]


def test_numbers_kept_in_integer_columns_are_bounded(org, alice, county):
    """QA: a VAN id or a position past what an integer column holds, a change-feed cursor
    or a "not home at least" count past 64 bits, were 500s (the database refused them);
    they are 422s naming the field."""
    for path, body, field in [
        ("/api/survey_questions", {"name": "Q", "responses": [{"name": "Yes"}],
                                   "van_survey_question_id": 2**31}, "van_survey_question_id"),
        ("/api/survey_questions", {"name": "Q", "position": BIG, "responses": [{"name": "Yes"}]},
         "position"),
        ("/api/survey_questions", {"name": "Q", "responses": [
            {"name": "Yes", "van_survey_response_id": 2**31}]}, "responses"),
        ("/api/result_codes", {"code": "gone_fishing", "name": "Gone fishing",
                               "van_result_code_id": 2**31}, "van_result_code_id"),
        ("/api/universes/preview", {"not_home_min": BIG}, "not_home_min"),
    ]:
        response = org.post(path, json=body)
        assert response.status_code == 422, (body, response.status_code)
        assert field in response.get_json()["errors"], response.get_json()
    response = alice.get(f"/api/sync/changes?cursor={BIG}")
    assert response.status_code == 422 and "cursor" in response.get_json()["errors"]
    ok = org.post("/api/result_codes", json={"code": "gone_fishing", "name": "Gone fishing",
                                             "van_result_code_id": 2**31 - 1})
    assert ok.status_code == 201, ok.get_json()


def test_csv_exports_never_hand_a_spreadsheet_a_formula(org, county, factory, login, session):
    """QA: a volunteer chooses their own name when joining, and people added in the field
    are typed on a phone; both reach the CSV exports a data director opens in Excel. A
    name like '=HYPERLINK("http://…")' went out as a live formula (CSV injection). Such a
    cell now starts with an apostrophe; an address or a date is untouched."""
    import csv
    import io
    import uuid

    from backend.models import FieldCorrection

    evil = factory.user("canvasser", name='=HYPERLINK("http://evil.test","Click")')
    door = county.doors[0]
    turf = factory.turf([door], assigned_to=[evil])
    phone = login(evil)
    body = {"uuid": str(uuid.uuid4()), "door_id": door.id, "turf_id": turf.id,
            "recorded_at": dt.datetime.now(dt.UTC).isoformat(), "result_code": "not_home",
            "correction": {"kind": "new_person", "details": {"first_name": "@SUM(1+1)",
                                                             "last_name": "-2+3"}}}
    assert phone.post("/api/sync/reports", json={"reports": [body]}).status_code == 200
    row = session.query(FieldCorrection).one()
    assert org.post(f"/api/field_corrections/{row.id}/accept", json={}).status_code == 200
    vote = {"uuid": str(uuid.uuid4()), "door_id": door.id, "turf_id": turf.id,
            "recorded_at": dt.datetime.now(dt.UTC).isoformat(), "result_code": "not_home"}
    assert phone.post("/api/sync/reports", json={"reports": [vote]}).status_code == 200

    van = list(csv.DictReader(io.StringIO(
        org.get("/api/exports/van_canvass_results.csv").get_data(as_text=True))))
    assert van and {r["canvassedby"] for r in van} == {"'" + evil.name}
    history = list(csv.DictReader(io.StringIO(
        org.get("/api/exports/contact_history.csv").get_data(as_text=True))))
    added = [r for r in history if r["first_name"].endswith("SUM(1+1)")]
    assert [(r["first_name"], r["last_name"]) for r in added] == [("'@SUM(1+1)", "'-2+3")]
    assert {r["address_line"] for r in history} == {door.address_line}
    assert all(r["effective_at"][:1].isdigit() for r in history)

"""Push: per-report statuses, exactly-once storage and the rules of docs/sync-protocol.md."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from backend.models import CanvassReport, CanvassReportItem, ContactHistory, FieldCorrection
from tests.backend.sync.conftest import make_report, now, push


def _backdate_memberships(session, by):
    from backend.models import TurfDoor

    for membership in session.scalars(select(TurfDoor)):
        membership.added_at = now() - by
    session.commit()


def _count(session, model=CanvassReport):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_accepted_reports_are_stored_with_items_and_contact_history(field, login, session):
    """A report with a survey answer is stored with its items and makes the voter and the
    door 'canvassed'."""
    api = login(field.alice)
    door, (v1, v2) = field.doors[0], field.voters[0:2]
    report = make_report(door, field.turf, result_code=None, voters=[
        {"voter_id": v1.id, "responses": [
            {"survey_question_id": field.question.id, "survey_response_id": field.yes.id},
            {"survey_question_id": field.comment.id, "text": "wants a sign"}],
         "consent_recontact": True, "consent_keep_data": True},
        {"voter_id": v2.id, "result_code": "not_home"}], note="dog", lit_drop=False,
        location={"lon": -83.0, "lat": 40.0, "accuracy_m": 8})
    response = push(api, [report])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["results"] == [{"uuid": report["uuid"], "status": "accepted", "flags": []}]
    assert "server_time" in body
    stored = session.scalar(select(CanvassReport))
    assert stored.uuid == report["uuid"] and stored.canvasser_id == field.alice.id
    assert stored.recorded_lon == -83.0 and stored.note == "dog"
    assert _count(session, CanvassReportItem) == 3
    statuses = {c.subject: c.status for c in session.scalars(select(ContactHistory))}
    assert statuses[f"v{v1.id}"] == "canvassed"
    assert statuses[f"v{v2.id}"] == "not_home"
    assert statuses[f"d{door.id}"] == "canvassed"


def test_duplicate_batch_is_stored_once_and_answered_duplicate(field, login, session):
    """Sending the same batch twice (a lost response, then a retry) stores each report once."""
    api = login(field.alice)
    reports = [make_report(d, field.turf) for d in field.doors[:3]]
    first = push(api, reports).get_json()["results"]
    assert [r["status"] for r in first] == ["accepted"] * 3
    again = push(api, reports).get_json()["results"]
    assert [r["status"] for r in again] == ["duplicate"] * 3
    assert _count(session) == 3
    attempts = session.scalar(select(ContactHistory.attempts).where(
        ContactHistory.subject == f"d{field.doors[0].id}"))
    assert attempts == 1


def test_retry_from_an_upgraded_app_is_still_a_duplicate(field, login, session):
    """device_id and app_version are left out of the body hash."""
    api = login(field.alice)
    report = make_report(field.doors[0], field.turf)
    push(api, [report])
    retry = {**report, "app_version": "0.2.0", "device_id": "phone-2"}
    assert push(api, [retry]).get_json()["results"][0]["status"] == "duplicate"


def test_same_uuid_different_body_is_a_conflict_and_never_overwrites(field, login, session):
    api = login(field.alice)
    report = make_report(field.doors[0], field.turf, result_code="not_home")
    push(api, [report])
    changed = {**report, "result_code": "refused"}
    result = push(api, [changed]).get_json()["results"][0]
    assert result["status"] == "rejected" and result["code"] == "uuid_conflict"
    assert "uuid" in result["errors"]
    session.expire_all()
    assert session.scalar(select(CanvassReport.result_code)) == "not_home"


def test_same_uuid_twice_in_one_batch(field, login, session):
    """Within one batch a repeated uuid is a duplicate if identical, else a conflict."""
    api = login(field.alice)
    a = make_report(field.doors[0], field.turf)
    b = {**a, "result_code": "refused"}
    results = push(api, [a, dict(a), b]).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "duplicate", "rejected"]
    assert results[2]["code"] == "uuid_conflict"
    assert _count(session) == 1


def test_malformed_report_among_good_ones_loses_nothing(field, login, session):
    """One bad report is rejected with its field named; the good ones around it are stored."""
    api = login(field.alice)
    good1 = make_report(field.doors[0], field.turf)
    bad = make_report(field.doors[1], field.turf, recorded_at="yesterday")
    naive = make_report(field.doors[1], field.turf, recorded_at="2026-10-31T10:00:00")
    not_object = "hello"
    good2 = make_report(field.doors[2], field.turf)
    results = push(api, [good1, bad, naive, not_object, good2]).get_json()["results"]
    assert [r["status"] for r in results] == [
        "accepted", "rejected", "rejected", "rejected", "accepted"]
    assert "recorded_at" in results[1]["errors"]
    assert "recorded_at" in results[2]["errors"]
    assert results[3]["errors"] == {"report": ["each report must be a JSON object"]}
    assert _count(session) == 2


def test_unknown_fields_are_rejected_with_field_errors(field, login, session):
    api = login(field.alice)
    top = make_report(field.doors[0], field.turf, colour="red")
    nested = make_report(field.doors[1], field.turf, voters=[
        {"voter_id": field.voters[2].id, "result_code": "refused", "mood": "grumpy"}])
    results = push(api, [top, nested]).get_json()["results"]
    assert results[0]["status"] == "rejected" and results[0]["errors"] == {
        "colour": ["Unknown field."]}
    assert results[1]["errors"] == {"voters[0].mood": ["Unknown field."]}
    assert _count(session) == 0
    # unknown fields in the batch envelope refuse the whole request (nothing to answer per report)
    response = api.post("/api/sync/reports", json={"reports": [], "extra": 1})
    assert response.status_code == 422 and "extra" in response.get_json()["errors"]


def test_unknown_ids_are_rejected_naming_the_field(field, login, session):
    api = login(field.alice)
    door = field.doors[0]
    cases = [
        (make_report(door, field.turf, result_code="abducted"), "result_code"),
        (make_report(door, field.turf, voters=[{"voter_id": 999999, "result_code": "refused"}]),
         "voters[0].voter_id"),
        # a response of another question (ids the server no longer has: see below)
        (make_report(door, field.turf, voters=[{"voter_id": field.voters[0].id, "responses": [
            {"survey_question_id": field.comment.id, "survey_response_id": field.yes.id}]}]),
         "voters[0].responses[0].survey_response_id"),
        (make_report(door, field.turf, result_code=None), "result_code"),
    ]
    results = push(api, [c for c, _ in cases]).get_json()["results"]
    for result, (_, path) in zip(results, cases, strict=True):
        assert result["status"] == "rejected" and path in result["errors"], result
    assert _count(session) == 0


def test_another_canvassers_door_is_rejected(field, login, session):
    """A door in Bob's turf, or a door never in the named turf, is refused for Alice."""
    api = login(field.alice)
    bobs_door = field.doors[3]
    results = push(api, [make_report(bobs_door, field.bob_turf),
                         make_report(bobs_door, field.turf)]).get_json()["results"]
    assert results[0]["code"] == "not_assigned" and "turf_id" in results[0]["errors"]
    assert results[1]["code"] == "not_assigned" and "door_id" in results[1]["errors"]
    assert _count(session) == 0


def test_reassigned_turf_is_accepted_and_flagged(field, login, session):
    """Recorded while the turf was Alice's, received after it was taken back: kept, flagged."""
    from backend.models import Assignment

    api = login(field.alice)
    recorded = now() - dt.timedelta(minutes=1)
    assignment = session.scalar(select(Assignment).where(Assignment.user_id == field.alice.id))
    assignment.assigned_at = recorded - dt.timedelta(hours=1)
    assignment.ended_at = recorded + dt.timedelta(seconds=30)
    _backdate_memberships(session, dt.timedelta(hours=2))
    report = make_report(field.doors[0], field.turf, recorded_at=recorded.isoformat())
    result = push(api, [report]).get_json()["results"][0]
    assert result["status"] == "accepted", result
    assert result["flags"] == ["turf_reassigned"]
    session.expire_all()
    assert session.scalar(select(CanvassReport.flags)) == ["turf_reassigned"]


def test_report_long_after_the_turf_was_taken_back_is_rejected(field, login, session):
    from backend.models import Assignment

    api = login(field.alice)
    assignment = session.scalar(select(Assignment).where(Assignment.user_id == field.alice.id))
    assignment.assigned_at = now() - dt.timedelta(days=3)
    assignment.ended_at = now() - dt.timedelta(days=2)
    _backdate_memberships(session, dt.timedelta(days=4))
    late = make_report(field.doors[0], field.turf,
                       recorded_at=(now() - dt.timedelta(hours=30)).isoformat())
    within = make_report(field.doors[1], field.turf,
                         recorded_at=(now() - dt.timedelta(days=2, hours=-3)).isoformat())
    results = push(api, [late, within]).get_json()["results"]
    assert results[0]["code"] == "not_assigned"
    assert results[1]["status"] == "accepted"
    assert set(results[1]["flags"]) == {"turf_reassigned", "after_unassigned"}


def test_door_moved_to_another_turf_is_accepted_and_flagged(field, login, session):
    from backend.models import TurfDoor

    api = login(field.alice)
    membership = session.scalar(select(TurfDoor).where(TurfDoor.door_id == field.doors[0].id))
    membership.removed_at = now()
    session.commit()
    report = make_report(field.doors[0], field.turf,
                         recorded_at=(now() - dt.timedelta(seconds=10)).isoformat())
    result = push(api, [report]).get_json()["results"][0]
    assert result["status"] == "accepted" and result["flags"] == ["door_moved"]


def test_clock_ahead_is_clamped_to_received_at(field, login, session):
    api = login(field.alice)
    future = now() + dt.timedelta(hours=3)
    slightly = now() + dt.timedelta(minutes=2)
    r1 = make_report(field.doors[0], field.turf, recorded_at=future.isoformat())
    r2 = make_report(field.doors[1], field.turf, recorded_at=slightly.isoformat())
    results = push(api, [r1, r2]).get_json()["results"]
    assert results[0]["flags"] == ["clock_ahead"] and results[1]["flags"] == []
    session.expire_all()
    rows = {r.uuid: r for r in session.scalars(select(CanvassReport))}
    assert rows[r1["uuid"]].effective_at == rows[r1["uuid"]].received_at
    assert rows[r1["uuid"]].recorded_at == future  # kept as sent
    assert abs(rows[r2["uuid"]].effective_at - slightly) < dt.timedelta(milliseconds=1)


def test_clock_behind_the_assignment_is_clamped(field, login, session):
    api = login(field.alice)
    past = now() - dt.timedelta(days=400)
    report = make_report(field.doors[0], field.turf, recorded_at=past.isoformat())
    result = push(api, [report]).get_json()["results"][0]
    assert result["status"] == "accepted" and result["flags"] == ["clock_behind"]
    session.expire_all()
    row = session.scalar(select(CanvassReport))
    assert row.effective_at == row.received_at


def test_correction_and_access_note(field, login, session):
    """A correction becomes a pending field correction; the access note reaches the door."""
    from backend.models import Door

    api = login(field.alice)
    door = field.doors[0]
    report = make_report(door, field.turf, result_code=None, access_note="buzz 4B",
                         correction={"kind": "new_person",
                                     "details": {"first_name": "Ana", "last_name": "Diaz"}})
    result = push(api, [report]).get_json()["results"][0]
    assert result["status"] == "accepted"
    session.expire_all()
    correction = session.scalar(select(FieldCorrection))
    assert correction.kind == "new_person" and correction.status == "pending"
    assert correction.door_id == door.id and correction.details["first_name"] == "Ana"
    assert session.get(Door, door.id).access_note == "buzz 4B"
    assert session.scalar(select(CanvassReport.kind)) == "correction"
    bad = make_report(door, field.turf, correction={"kind": "abducted", "details": {}})
    assert "correction.kind" in push(api, [bad]).get_json()["results"][0]["errors"]


def test_older_access_note_arriving_late_does_not_overwrite(field, login, session):
    from backend.models import Door

    api = login(field.alice)
    door = field.doors[0]
    newer = make_report(door, field.turf, access_note="side door",
                        recorded_at=now().isoformat())
    older = make_report(door, field.turf, access_note="front door",
                        recorded_at=(now() - dt.timedelta(minutes=3)).isoformat())
    push(api, [newer])
    push(api, [older])
    session.expire_all()
    assert session.get(Door, door.id).access_note == "side door"


def test_supersedes_replaces_the_earlier_report_in_contact_history(field, login, session):
    api = login(field.alice)
    door = field.doors[0]
    wrong = make_report(door, field.turf, result_code="refused")
    push(api, [wrong])
    fix = make_report(door, field.turf, result_code="not_home", supersedes=wrong["uuid"])
    assert push(api, [fix]).get_json()["results"][0]["status"] == "accepted"
    session.expire_all()
    row = session.scalar(select(ContactHistory).where(ContactHistory.subject == f"d{door.id}"))
    assert (row.status, row.attempts) == ("not_home", 1)
    assert _count(session) == 2  # the earlier fact stays stored


def test_a_retraction_takes_a_report_back(field, login, session):
    """A report with only ``supersedes`` (the phone's undo of a report already sent) is
    accepted: the report it names no longer counts and the door is not contacted again; it
    files nothing for review. A report with neither an outcome nor ``supersedes`` is still
    refused."""
    api = login(field.alice)
    door = field.doors[0]
    wrong = make_report(door, field.turf, result_code="inaccessible")
    push(api, [wrong])
    retraction = make_report(door, field.turf, result_code=None, supersedes=wrong["uuid"])
    assert push(api, [retraction]).get_json()["results"][0]["status"] == "accepted"
    session.expire_all()
    row = session.scalar(select(ContactHistory).where(ContactHistory.subject == f"d{door.id}"))
    assert row is None or (row.status, row.attempts) == ("not_contacted", 0)
    assert session.scalar(select(func.count()).select_from(FieldCorrection)) == 0
    empty = make_report(door, field.turf, result_code=None)
    assert push(api, [empty]).get_json()["results"][0]["status"] == "rejected"


def test_a_report_is_corrected_once_then_through_its_correction(field, login, session):
    """A second report superseding the same report is refused, in a later batch or the same
    one (both would count, as two knocks); resending the first correction is a duplicate,
    and correcting the correction is how a door is corrected again."""
    api = login(field.alice)
    door = field.doors[0]
    wrong = make_report(door, field.turf, result_code="refused")
    push(api, [wrong])
    fix = make_report(door, field.turf, result_code="not_home", supersedes=wrong["uuid"])
    again = make_report(door, field.turf, result_code="moved", supersedes=wrong["uuid"])
    results = push(api, [fix, again]).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert f"already corrected by report {fix['uuid']}" in results[1]["errors"]["supersedes"][0]
    later = make_report(door, field.turf, result_code="moved", supersedes=wrong["uuid"])
    assert push(api, [later]).get_json()["results"][0]["status"] == "rejected"
    assert push(api, [fix]).get_json()["results"][0]["status"] == "duplicate"
    chained = make_report(door, field.turf, result_code="moved", supersedes=fix["uuid"])
    assert push(api, [chained]).get_json()["results"][0]["status"] == "accepted"
    session.expire_all()
    row = session.scalar(select(ContactHistory).where(ContactHistory.subject == f"d{door.id}"))
    assert (row.status, row.attempts) == ("moved", 1)


def test_cannot_supersede_someone_elses_report(field, login, session):
    api_b = login(field.bob)
    bobs = make_report(field.doors[3], field.bob_turf)
    push(api_b, [bobs])
    api = login(field.alice)
    sneaky = make_report(field.doors[0], field.turf, supersedes=bobs["uuid"])
    result = push(api, [sneaky]).get_json()["results"][0]
    assert result["status"] == "rejected" and "supersedes" in result["errors"]


def test_oversized_batch_is_refused_with_413(field, login, session):
    """201 reports: 413 with a message saying how many are allowed; nothing stored."""
    api = login(field.alice)
    reports = [make_report(field.doors[0], field.turf) for _ in range(201)]
    response = push(api, reports)
    assert response.status_code == 413
    body = response.get_json()
    assert body["code"] == "payload_too_large" and "at most 200" in body["message"]
    assert _count(session) == 0


def test_ten_thousand_reports_are_refused_cleanly(field, login, session, app):
    """A 10,000-report batch is refused as a whole (413), by count or by bytes, quickly."""
    api = login(field.alice)
    reports = [make_report(field.doors[0], field.turf) for _ in range(10_000)]
    response = push(api, reports)
    assert response.status_code == 413
    body = response.get_json()
    assert body["status"] == 413 and ("reports" in body["message"] or "bytes" in body["message"])
    small = [{"uuid": r["uuid"], "door_id": 1, "turf_id": 1, "recorded_at": "x"}
             for r in reports]
    response = push(api, small)
    assert response.status_code == 413 and "at most 200 reports" in response.get_json()["message"]
    assert _count(session) == 0


def test_push_needs_a_token(client, field):
    response = client.post("/api/sync/reports", json={"reports": []})
    assert response.status_code == 401


def test_lit_drop_counts_as_an_attempt(field, login, session):
    api = login(field.alice)
    door = field.doors[0]
    push(api, [make_report(door, field.turf, result_code=None, lit_drop=True)])
    session.expire_all()
    row = session.scalar(select(ContactHistory).where(ContactHistory.subject == f"d{door.id}"))
    assert (row.status, row.attempts) == ("lit_drop", 1)
    assert session.scalar(select(CanvassReport.kind)) == "lit_drop"


def test_openapi_documents_the_sync_wire_format(client):
    """The PWA's contract: the OpenAPI document has the routes and the report schema."""
    spec = client.get("/api/openapi.json").get_json()
    for path in ("/api/sync/reports", "/api/sync/changes", "/api/sync/export_file",
                 "/api/exports/contact_history.csv", "/api/exports/van_canvass_responses",
                 "/api/exports/van_canvass_results.csv"):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    report = schemas["SyncReport"]
    assert set(report["required"]) == {"uuid", "door_id", "turf_id", "recorded_at"}
    assert {"voters", "supersedes", "correction", "access_note", "location",
            "lit_drop"} <= set(report["properties"])
    batch = schemas["SyncBatch"]["properties"]["reports"]
    assert batch["type"] == "array" and batch["items"]["$ref"].endswith("/SyncReport")


def test_an_offline_answer_to_a_question_deleted_meanwhile_is_stored(field, login, session):
    """QA: the organizer deleted a question phones had downloaded, before anyone synced an
    answer; the phone's report (with other answers and results) was rejected whole. The
    question is retired instead, and the whole report, that answer included, is stored."""
    question = login(field.organizer).post("/api/survey_questions", json={
        "name": "Yard sign?", "responses": [{"name": "Yes"}, {"name": "No"}]}).get_json()
    api = login(field.alice)
    door, voter = field.doors[0], field.voters[0]
    report = make_report(door, field.turf, result_code=None, voters=[
        {"voter_id": voter.id, "responses": [
            {"survey_question_id": field.question.id, "survey_response_id": field.yes.id},
            {"survey_question_id": question["id"],
             "survey_response_id": question["responses"][0]["id"]}]}])
    organizer = login(field.organizer)
    assert organizer.delete(f"/api/survey_questions/{question['id']}").status_code == 204
    assert question["id"] not in {q["id"] for q in api.get("/api/survey_questions").get_json()}
    body = push(api, [report]).get_json()
    assert body["results"][0]["status"] == "accepted", body
    stored = {i.survey_question_id for i in session.scalars(select(CanvassReportItem))}
    assert stored == {field.question.id, question["id"]}


def test_an_answer_to_a_question_or_response_gone_from_the_server_is_flagged_not_fatal(
        field, login, session):
    """A question deleted by an older server (or a response removed before anyone synced an
    answer) while phones held it: the report is stored with its other answers and results,
    the orphan answer kept in the stored body, not as an item, and the report flagged."""
    api = login(field.alice)
    door, voter = field.doors[0], field.voters[0]
    report = make_report(door, field.turf, result_code=None, voters=[
        {"voter_id": voter.id, "responses": [
            {"survey_question_id": 999999, "text": "wants a sign"},
            {"survey_question_id": field.question.id, "survey_response_id": 999998},
            {"survey_question_id": field.question.id, "survey_response_id": field.yes.id}]},
        {"voter_id": field.voters[1].id, "responses": [
            {"survey_question_id": 999999, "text": "only this"}]}])
    result = push(api, [report]).get_json()["results"][0]
    assert result["status"] == "accepted" and result["flags"] == ["survey_answer_dropped"], result
    stored = session.scalar(select(CanvassReport))
    assert stored.body["voters"][0]["responses"][0]["text"] == "wants a sign"
    items = {(i.voter_id, i.survey_response_id) for i in session.scalars(select(CanvassReportItem))}
    assert items == {(voter.id, field.yes.id), (field.voters[1].id, None)}


def test_a_duplicate_answer_repeats_the_stored_reports_flags(field, login, session):
    """A phone whose first answer was lost learns the flags on the retry: a `duplicate`
    carries the flags the report was stored with (here `survey_answer_dropped`, which the
    phone shows the volunteer), in a later batch and within one batch."""
    api = login(field.alice)
    door, voter = field.doors[0], field.voters[0]
    report = make_report(door, field.turf, result_code=None, voters=[
        {"voter_id": voter.id, "responses": [{"survey_question_id": 999999, "text": "a sign"}]}])
    plain = make_report(field.doors[1], field.turf)
    first = push(api, [report, report, plain]).get_json()["results"]
    assert [(r["status"], r["flags"]) for r in first] == [
        ("accepted", ["survey_answer_dropped"]), ("duplicate", ["survey_answer_dropped"]),
        ("accepted", [])]
    again = push(api, [report, plain]).get_json()["results"]
    assert [(r["status"], r["flags"]) for r in again] == [
        ("duplicate", ["survey_answer_dropped"]), ("duplicate", [])]

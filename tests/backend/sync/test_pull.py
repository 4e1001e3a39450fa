"""Pull: changes for the calling canvasser by server sequence, with a cursor that pages and
never skips; co-canvassers see each other's knocks."""

from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session

from backend.extensions import db
from backend.services import changes as change_service
from backend.services import sync as sync_service
from tests.backend.sync.conftest import make_report, push


def _pull(api, cursor=0, limit=500):
    response = api.get(f"/api/sync/changes?cursor={cursor}&limit={limit}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_co_canvassers_see_each_others_knocks(field, login, factory):
    """Alice and Carol share a turf: Carol's knock reaches Alice as a door_status change;
    Bob, on another turf, sees nothing of it."""
    carol = factory.user("canvasser", name="Carol")
    shared = factory.turf([field.doors[0]], assigned_to=[carol])
    from backend.models import Assignment

    factory.session.add(Assignment(turf_id=shared.id, user_id=field.alice.id))
    factory.session.commit()
    report = make_report(field.doors[0], shared, result_code="refused")
    assert push(login(carol), [report]).get_json()["results"][0]["status"] == "accepted"
    body = _pull(login(field.alice))
    statuses = [c for c in body["changes"] if c["kind"] == "door_status"]
    assert {c["turf_id"] for c in statuses} == {field.turf.id, shared.id}
    payload = statuses[0]["payload"]
    assert payload["door_id"] == field.doors[0].id and payload["status"] == "refused"
    assert payload["canvasser_name"] == "Carol" and payload["report_uuid"] == report["uuid"]
    assert body["cursor"] == body["changes"][-1]["seq"] and body["has_more"] is False
    assert _pull(login(field.bob))["changes"] == []


def test_changes_addressed_to_a_user_turf_and_everyone(field, login, session):
    """turf_assigned to Alice reaches only Alice; survey_changed reaches everyone; a change
    of a turf taken back from her no longer does."""
    change_service.record_change(session, "turf_assigned", user_id=field.alice.id,
                                 turf_id=field.turf.id, payload={"turf_id": field.turf.id})
    change_service.record_change(session, "survey_changed", payload={"question_id": 1})
    change_service.record_change(session, "doors_added", turf_id=field.bob_turf.id,
                                 payload={"door_ids": [1]})
    session.commit()
    alice = [c["kind"] for c in _pull(login(field.alice))["changes"]]
    bob = [c["kind"] for c in _pull(login(field.bob))["changes"]]
    assert alice == ["turf_assigned", "survey_changed"]
    assert bob == ["survey_changed", "doors_added"]


def test_do_not_contact_reaches_the_turf(field, login):
    api = login(field.alice)
    voter = field.voters[0]
    push(api, [make_report(field.doors[0], field.turf, result_code=None, voters=[
        {"voter_id": voter.id, "result_code": "do_not_contact"}])])
    kinds = {c["kind"]: c for c in _pull(api)["changes"]}
    assert kinds["do_not_contact"]["payload"] == {
        "voter_id": voter.id, "door_id": field.doors[0].id, "status": "do_not_contact"}


def test_cursor_pages_without_gaps_or_repeats(field, login, session):
    for i in range(7):
        change_service.record_change(session, "survey_changed", payload={"n": i})
    session.commit()
    api = login(field.alice)
    seen, cursor, pages = [], 0, 0
    while True:
        body = _pull(api, cursor, limit=3)
        seen += [c["payload"]["n"] for c in body["changes"]]
        cursor, pages = body["cursor"], pages + 1
        if not body["has_more"]:
            break
    assert seen == list(range(7)) and pages == 3
    assert _pull(api, cursor)["changes"] == [] and _pull(api, cursor)["cursor"] == cursor
    assert api.get("/api/sync/changes?limit=501").status_code == 422
    assert api.get("/api/sync/changes?cursor=-1").status_code == 422


def test_a_late_committing_change_is_never_skipped(field, app, login):
    """Transaction A records a change and stays open; B records one after it and commits.
    A reader must not move its cursor past A's change: B waits for A (the change-feed lock
    on PostgreSQL, the single writer on SQLite), so after A commits the reader gets both."""
    api = login(field.alice)
    _pull(api)  # the token's first use writes last_used_at; get that done before the race
    done = threading.Event()

    def transaction_b():
        with app.app_context(), Session(db.engine) as s2:
            change_service.record_change(s2, "survey_changed", payload={"who": "B"})
            s2.commit()
            done.set()

    with Session(db.engine) as s1:
        change_service.record_change(s1, "survey_changed", payload={"who": "A"})
        thread = threading.Thread(target=transaction_b)
        thread.start()
        time.sleep(0.5)
        early = _pull(api)
        assert early["changes"] == []  # B could not commit ahead of A
        assert not done.is_set()
        s1.commit()
    thread.join(60)
    body = _pull(api, early["cursor"])
    assert [c["payload"]["who"] for c in body["changes"]] == ["A", "B"]


def test_changes_service_pages_by_sequence(field, session):
    for i in range(3):
        change_service.record_change(session, "survey_changed", payload={"n": i})
    session.flush()
    page = sync_service.changes_for(session, field.alice, cursor=0, limit=2)
    assert [c["payload"]["n"] for c in page["changes"]] == [0, 1] and page["has_more"]

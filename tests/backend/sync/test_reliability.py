"""Reliability: lost responses, retries, reordering and concurrent batches store each report
exactly once and give the same contact history."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.extensions import db
from backend.models import (
    CanvassReport,
    CanvassReportItem,
    ContactHistory,
    FieldCorrection,
    SyncChange,
    User,
)
from backend.services import sync as sync_service
from tests.backend.sync.conftest import http_post, make_report, now, push


def _statuses(session):
    session.expire_all()
    return {(c.subject, c.status, c.attempts, c.not_home_count, c.report_uuid, c.needs_review)
            for c in session.scalars(select(ContactHistory))}


def _stored(session):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(CanvassReport))


def _forget_reports(session):
    for model in (SyncChange, ContactHistory, FieldCorrection, CanvassReportItem, CanvassReport):
        session.execute(delete(model))
    session.commit()


def _token(login, user):
    return login(user).headers["Authorization"].split()[1]


def _mixed_reports(field, n=12, seed=1):
    rng = random.Random(seed)
    # A few distinct times inside the assignment (so no clock clamp), to force rank/time ties.
    base = now()
    times = [(base - dt.timedelta(seconds=s)).isoformat() for s in (0, 30, 60, 90)]
    codes = ["not_home", "refused", "canvassed", "not_home", "moved", None]
    out = []
    for _ in range(n):
        door = rng.choice(field.doors[:3])
        voters = [v for v in field.voters if v.door_id == door.id]
        code = rng.choice(codes)
        when = rng.choice(times)
        if code is None:
            out.append(make_report(door, field.turf, result_code=None, recorded_at=when, voters=[
                {"voter_id": voters[0].id, "responses": [
                    {"survey_question_id": field.question.id,
                     "survey_response_id": field.yes.id}]}]))
        else:
            out.append(make_report(door, field.turf, result_code=code, recorded_at=when))
    return out


def test_lost_response_then_retry_stores_once(field, login, session, live_url):
    """The server commits but the phone never sees the answer; the retry says duplicate."""
    token = _token(login, field.alice)
    reports = _mixed_reports(field, 5)
    status, _ = http_post(live_url, "/api/sync/reports", token, {"reports": reports})
    assert status == 200
    # the phone "lost" that answer and sends the same batch again, plus one new report
    extra = make_report(field.doors[0], field.turf)
    status, retry = http_post(live_url, "/api/sync/reports", token,
                              {"reports": reports + [extra]})
    assert [r["status"] for r in retry["results"]] == ["duplicate"] * 5 + ["accepted"]
    assert _stored(session) == 6


def test_reordered_batches_give_the_same_contact_history(field, login, session):
    """The same reports pushed in another order and batching give identical statuses."""
    reports = _mixed_reports(field, 14, seed=7)
    api = login(field.alice)
    for chunk in (reports[:5], reports[5:]):
        assert push(api, chunk).status_code == 200
    forward = _statuses(session)
    assert any(s[1] not in ("not_contacted",) for s in forward)
    _forget_reports(session)
    shuffled = reports[::-1]
    random.Random(3).shuffle(shuffled)
    for chunk in (shuffled[:2], shuffled[2:9], shuffled[9:]):
        assert push(api, chunk).status_code == 200
    assert _statuses(session) == forward
    assert _stored(session) == 14


def test_concurrent_batches_for_the_same_door(field, login, session, live_url):
    """Threads push overlapping batches for the same doors at once (two tabs, retries):
    every unique report is stored once and the door's attempts count every one of them."""
    token = _token(login, field.alice)
    door = field.doors[0]
    unique = [make_report(door, field.turf, recorded_at=(
        now() - dt.timedelta(seconds=i)).isoformat()) for i in range(24)]
    batches = [unique[i:i + 8] for i in range(0, 24, 8)]
    batches += [list(reversed(b)) for b in batches]  # the same reports again, reordered
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send(batch):
        try:
            statuses.append(http_post(live_url, "/api/sync/reports", token,
                                      {"reports": batch})[0])
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and statuses == [200] * len(batches)
    assert _stored(session) == 24
    uuids = session.scalars(select(CanvassReport.uuid)).all()
    assert sorted(uuids) == sorted(r["uuid"] for r in unique)
    row = session.scalar(select(ContactHistory).where(ContactHistory.subject == f"d{door.id}"))
    assert (row.attempts, row.not_home_count) == (24, 24)


def test_uuid_race_between_two_transactions(field, app, session):
    """Two transactions push the same uuid with different bodies at the same moment: the
    first to commit wins, the other gets uuid_conflict, and its other report is kept
    (on PostgreSQL this goes through the per-report SAVEPOINT fallback)."""
    alice_id = field.alice.id
    shared = make_report(field.doors[0], field.turf)
    clash = {**make_report(field.doors[1], field.turf), "uuid": shared["uuid"]}
    other = make_report(field.doors[2], field.turf)
    first = make_report(field.doors[0], field.turf)
    answers: dict[str, dict] = {}

    def second_transaction():
        with app.app_context(), Session(db.engine) as s2:
            user = s2.get(User, alice_id)
            answers["b"] = sync_service.ingest_reports(s2, user, [clash, other])
            s2.commit()

    with Session(db.engine) as s1:
        answers["a"] = sync_service.ingest_reports(s1, s1.get(User, alice_id), [shared, first])
        thread = threading.Thread(target=second_transaction)
        thread.start()
        time.sleep(0.5)  # the second transaction is now waiting on the first
        s1.commit()
    thread.join(60)
    assert [r["status"] for r in answers["a"]["results"]] == ["accepted", "accepted"]
    b = answers["b"]["results"]
    assert b[0]["status"] == "rejected" and b[0]["code"] == "uuid_conflict"
    assert b[1]["status"] == "accepted"
    assert _stored(session) == 3


def test_export_file_goes_through_the_same_ingest(field, login, session):
    """The phone's last-resort file is ingested like a push: chunks, duplicates, rules."""
    import io
    import json

    api = login(field.alice)
    reports = [make_report(field.doors[i % 3], field.turf) for i in range(250)]
    push(api, reports[:10])
    file = {"device_id": "phone-1", "exported_at": now().isoformat(),
            "canvasser_id": field.alice.id, "reports": reports}
    response = api.post("/api/sync/export_file", data={
        "file": (io.BytesIO(json.dumps(file).encode()), "unsent.json")},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["duplicate"] * 10 + ["accepted"] * 240
    assert _stored(session) == 250
    # the JSON body works too, and a canvasser cannot upload as someone else
    response = api.post("/api/sync/export_file", json={**file, "canvasser_id": field.bob.id})
    assert response.status_code == 403
    assert api.post("/api/sync/export_file", data=b"not json").status_code == 422


def test_organizer_uploads_a_canvassers_export_file(field, login, session):
    api = login(field.organizer)
    reports = [make_report(field.doors[0], field.turf), make_report(field.doors[3], field.turf)]
    response = api.post("/api/sync/export_file", json={
        "device_id": "phone-9", "canvasser_id": field.alice.id, "reports": reports})
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    session.expire_all()
    assert session.scalar(select(CanvassReport.canvasser_id)) == field.alice.id

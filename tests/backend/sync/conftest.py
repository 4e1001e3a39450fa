"""A small field for sync tests: two canvassers, an organizer, doors with voters in turfs,
and a survey question with two responses."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from types import SimpleNamespace

import pytest

from backend.models import SurveyQuestion, SurveyResponse


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_report(door, turf, **fields):
    """A valid report body as a phone sends it (door-level not_home unless told)."""
    body = {
        "uuid": str(uuidlib.uuid4()),
        "door_id": door.id if hasattr(door, "id") else door,
        "turf_id": turf.id if hasattr(turf, "id") else turf,
        "recorded_at": now().isoformat(),
        "result_code": "not_home",
        "device_id": "phone-1",
        "app_version": "0.1.0",
    }
    body.update(fields)
    return body


@pytest.fixture
def field(factory, session):
    alice = factory.user("canvasser", name="Alice")
    bob = factory.user("canvasser", name="Bob")
    organizer = factory.user("organizer", name="Olga")
    doors = [factory.door() for _ in range(4)]
    voters = [factory.voter(d) for d in doors for _ in range(2)]
    turf = factory.turf(doors[:3], assigned_to=[alice])
    bob_turf = factory.turf(doors[3:], assigned_to=[bob])
    question = SurveyQuestion(name="Support?", kind="single")
    question.responses = [SurveyResponse(name="Yes", position=0),
                          SurveyResponse(name="No", position=1)]
    other = SurveyQuestion(name="Comment", kind="text")
    session.add_all([question, other])
    session.commit()
    return SimpleNamespace(alice=alice, bob=bob, organizer=organizer, doors=doors,
                           voters=voters, turf=turf, bob_turf=bob_turf, question=question,
                           yes=question.responses[0], no=question.responses[1], comment=other)


def push(api, reports, device_id="phone-1"):
    response = api.post("/api/sync/reports", json={"device_id": device_id, "reports": reports})
    return response


@pytest.fixture
def live_url(app):
    """The app served over real HTTP on 127.0.0.1 (threaded), for concurrency tests."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def http_post(base_url, path, token, payload, timeout=60):
    """POST JSON over a real socket; returns (status, body)."""
    import http.client
    import json
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("POST", path, body=json.dumps(payload),
                     headers={"Content-Type": "application/json",
                              "Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()

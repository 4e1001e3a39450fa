"""Login, tokens, invites and the one error shape, through the HTTP API."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from backend.models import AuthToken, User


def test_login_returns_a_token_that_opens_protected_routes(client, factory):
    """A correct password gives a bearer token; the token identifies the user."""
    user = factory.user("organizer")
    response = client.post("/api/auth/login", json={"email": user.email.upper(),
                                                    "password": "correct horse battery"})
    assert response.status_code == 200
    token = response.get_json()["token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["email"] == user.email
    assert me.get_json()["role"] == "organizer"


def test_tokens_are_stored_hashed_and_passwords_with_argon2(client, factory, session):
    user = factory.user("canvasser")
    token = client.post("/api/auth/login", json={"email": user.email,
                                                 "password": "correct horse battery"}).get_json()["token"]
    stored = session.scalars(select(AuthToken.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64
    assert session.get(User, user.id).password_hash.startswith("$argon2id$")


def test_wrong_password_and_unknown_email_get_the_same_answer(client, factory):
    user = factory.user()
    wrong = client.post("/api/auth/login", json={"email": user.email, "password": "nope nope"})
    unknown = client.post("/api/auth/login", json={"email": "who@example.org", "password": "x" * 9})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert set(wrong.get_json()) == {"code", "status", "message", "errors"}


def test_every_api_route_needs_a_token_except_login_join_and_health(app, client):
    """Walk the URL map: every /api route but the public ones answers 401 without a token."""
    public = {"/api/auth/login", "/api/auth/join", "/api/health", "/api/openapi.json",
              "/api/client_config"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in public:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, json={})
            assert response.status_code == 401, (method, url, response.status_code)
            body = response.get_json()
            assert body["code"] == "unauthenticated" and body["status"] == 401
            checked += 1
    assert checked >= 5
    assert client.get("/api/health").status_code == 200


def test_expired_and_revoked_tokens_are_refused(client, factory, session, login):
    user = factory.user()
    api = login(user)
    assert api.get("/api/auth/me").status_code == 200
    assert api.post("/api/auth/logout").status_code == 204
    assert api.get("/api/auth/me").status_code == 401
    api2 = login(user)
    row = session.scalars(select(AuthToken).where(AuthToken.revoked_at.is_(None))).one()
    row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    session.commit()
    response = api2.get("/api/auth/me")
    assert response.status_code == 401 and "expired" in response.get_json()["message"]


def test_organizer_can_sign_a_user_out_of_every_device(factory, login):
    organizer, canvasser = factory.user("organizer"), factory.user()
    phone, tablet = login(canvasser), login(canvasser)
    assert login(organizer).delete(f"/api/users/{canvasser.id}/tokens").status_code == 204
    assert phone.get("/api/auth/me").status_code == 401
    assert tablet.get("/api/auth/me").status_code == 401


def test_invite_lets_a_volunteer_join_as_canvasser_from_a_phone(client, factory, login):
    organizer = factory.user("organizer")
    invite = login(organizer).post("/api/auth/invites", json={"max_uses": 1})
    assert invite.status_code == 201
    body = invite.get_json()
    assert body["url"].endswith(f"/join?code={body['code']}")
    code = body["code"][:4] + "-" + body["code"][4:].lower()  # typed loosely on a phone
    joined = client.post("/api/auth/join", json={"code": code, "email": "vol@example.org",
                                                 "name": "Vol Unteer", "password": "long enough"})
    assert joined.status_code == 201, joined.get_json()
    assert joined.get_json()["user"]["role"] == "canvasser"
    again = client.post("/api/auth/join", json={"code": body["code"], "email": "b@example.org",
                                                "name": "B", "password": "long enough"})
    assert again.status_code == 401 and "used up" in again.get_json()["message"]
    assert again.get_json()["errors"] == {"code": ["used_up"]}  # for the phone to translate


def test_refused_joins_and_logins_name_their_reason_for_the_phone(client, factory, session, login):
    """Each refusal a volunteer meets names its field and reason in ``errors``, so the phone
    can say it in the volunteer's language rather than show the server's English."""
    from backend.models import Invite

    body = login(factory.user("organizer")).post("/api/auth/invites", json={}).get_json()
    invite = session.scalar(select(Invite))
    invite.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    session.commit()
    join = {"email": "v@example.org", "name": "V", "password": "long enough"}
    expired = client.post("/api/auth/join", json={"code": body["code"], **join})
    assert (expired.status_code, expired.get_json()["errors"]) == (401, {"code": ["expired"]})
    unknown = client.post("/api/auth/join", json={"code": "ZZZZZZZZ", **join})
    assert (unknown.status_code, unknown.get_json()["errors"]) == (404, {"code": ["unknown"]})


def test_the_join_forms_field_checks_answer_with_codes(client, factory, login):
    """A short password, a bad email, a missing name: ``errors`` holds a code per field for
    the phone to translate, while the message stays words for people."""
    body = login(factory.user("organizer")).post("/api/auth/invites", json={}).get_json()
    join = {"code": body["code"], "email": "v@example.org", "name": "V", "password": "long enough"}
    cases = [
        ({"password": "short"}, 422, {"password": ["too_short"]}),
        ({"password": "x" * 1025}, 422, {"password": ["too_long"]}),
        ({"email": "v@localhost"}, 422, {"email": ["invalid"]}),
        ({"email": "v"}, 422, {"email": ["invalid"]}),
        ({"name": ""}, 422, {"name": ["required"]}),
        ({"name": "   "}, 422, {"name": ["required"]}),
    ]
    for change, status, errors in cases:
        answer = client.post("/api/auth/join", json={**join, **change})
        assert (answer.status_code, answer.get_json()["errors"]) == (status, errors), change
    missing = client.post("/api/auth/join", json={"code": body["code"], "name": "V"})
    assert missing.get_json()["errors"] == {"email": ["required"], "password": ["required"]}
    bad = client.post("/api/auth/join", json={**join, "email": "v@localhost"}).get_json()
    assert "not an email address" in bad["message"]


def test_a_turf_not_assigned_is_refused_with_a_code(factory, login):
    canvasser = factory.user("canvasser")
    turf = factory.turf([factory.door()])
    answer = login(canvasser).get(f"/api/turfs/{turf.id}/door_list")
    assert (answer.status_code, answer.get_json()["errors"]) == (404, {"turf_id": ["not_assigned"]})
    gone = login(canvasser).get("/api/turfs/999999/door_list")
    assert (gone.status_code, gone.get_json()["errors"]) == (404, {"turf_id": ["unknown"]})


def test_invite_carries_a_qr_code_of_its_link(factory, login):
    """A volunteer can scan the invite off the organizer's screen: the QR holds the link."""
    from backend.services.turfs import qr_svg

    body = login(factory.user("organizer")).post("/api/auth/invites", json={}).get_json()
    assert body["qr_svg"].startswith("<?xml") and "<svg" in body["qr_svg"]
    assert body["qr_svg"] == qr_svg(body["url"])
    assert body["qr_svg"] != qr_svg(body["url"] + "x")


def test_canvassers_cannot_invite_or_create_users(factory, login):
    api = login(factory.user("canvasser"))
    assert api.post("/api/auth/invites", json={}).status_code == 403
    response = api.post("/api/users", json={"email": "x@example.org", "password": "long enough",
                                            "role": "canvasser"})
    assert response.status_code == 403


def test_organizer_adds_canvassers_but_not_admins(factory, login):
    api = login(factory.user("organizer"))
    ok = api.post("/api/users", json={"email": "c@example.org", "password": "long enough",
                                      "role": "canvasser", "name": "C"})
    assert ok.status_code == 201
    no = api.post("/api/users", json={"email": "a@example.org", "password": "long enough",
                                      "role": "admin"})
    assert no.status_code == 403
    dup = api.post("/api/users", json={"email": "C@example.org", "password": "long enough",
                                       "role": "canvasser"})
    assert dup.status_code == 409 and dup.get_json()["errors"] == {"email": ["taken"]}


def test_invalid_fields_get_422_naming_each_field(client):
    response = client.post("/api/auth/login", json={"email": 5})
    body = response.get_json()
    assert response.status_code == 422
    assert set(body["errors"]) == {"email", "password"}
    assert "email" in body["message"] and "password" in body["message"]


def test_organizers_disable_and_rename_canvassers_admins_change_roles(client, factory, login):
    """Disabling signs the canvasser out at once and keeps them out until re-enabled; an
    organizer may not touch roles or other organizers; nobody demotes or disables themselves."""
    admin, organizer = factory.user("admin"), factory.user("organizer")
    canvasser = factory.user("canvasser")
    as_admin, as_org, as_canvasser = login(admin), login(organizer), login(canvasser)
    assert as_canvasser.get("/api/auth/me").status_code == 200

    off = as_org.patch(f"/api/users/{canvasser.id}", json={"is_active": False, "name": " Sam "})
    assert off.status_code == 200, off.get_json()
    assert (off.get_json()["is_active"], off.get_json()["name"]) == (False, "Sam")
    assert as_canvasser.get("/api/auth/me").status_code == 401
    refused = client.post("/api/auth/login", json={"email": canvasser.email,
                                                   "password": "correct horse battery"})
    assert refused.status_code == 401 and "disabled" in refused.get_json()["message"]
    assert refused.get_json()["errors"] == {"account": ["disabled"]}  # for the phone to translate
    assert as_org.patch(f"/api/users/{canvasser.id}", json={"is_active": True}).status_code == 200
    assert login(canvasser).get("/api/auth/me").status_code == 200

    promote = as_org.patch(f"/api/users/{canvasser.id}", json={"role": "organizer"})
    assert promote.status_code == 403 and "ask an admin" in promote.get_json()["message"]
    assert as_org.patch(f"/api/users/{admin.id}", json={"is_active": False}).status_code == 403
    assert login(canvasser).patch(f"/api/users/{canvasser.id}", json={"name": "x"}).status_code == 403
    assert as_admin.patch(f"/api/users/{canvasser.id}", json={"role": "organizer"}).get_json()[
        "role"] == "organizer"
    itself = as_admin.patch(f"/api/users/{admin.id}", json={"role": "canvasser"})
    assert itself.status_code == 403 and "yourself" in itself.get_json()["message"]
    assert as_admin.patch(f"/api/users/{admin.id}", json={"is_active": False}).status_code == 403
    assert as_admin.patch("/api/users/999999", json={"name": "x"}).status_code == 404
    bad = as_admin.patch(f"/api/users/{canvasser.id}", json={"role": "boss"})
    assert bad.status_code == 422 and "role" in str(bad.get_json()["errors"])

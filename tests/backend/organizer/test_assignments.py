"""Assignments: give, take back, reassign; the canvasser's view follows at once and the
change feed tells their phone."""

from __future__ import annotations

from backend.models import SyncChange
from tests.backend.organizer.conftest import cut


def feed(session, **where):
    session.expire_all()
    return [(c.kind, c.user_id, c.payload.get("turf_id"))
            for c in session.query(SyncChange).filter_by(**where).order_by(SyncChange.id)]


def test_give_a_turf_to_two_canvassers_and_take_it_back(org, alice, login, county, universe, session):
    turf = cut(org, universe["id"], target_doors=40)[0]
    response = org.post("/api/assignments", json={"turf_ids": [turf["id"]],
                                                   "user_ids": [county.alice.id, county.bob.id]})
    assert response.status_code == 201
    made = response.get_json()
    assert {a["user"]["id"] for a in made} == {county.alice.id, county.bob.id}
    # repeating the call changes nothing
    again = org.post("/api/assignments", json={"turf_ids": [turf["id"]],
                                                "user_ids": [county.alice.id]}).get_json()
    assert again[0]["id"] == next(a["id"] for a in made if a["user"]["id"] == county.alice.id)
    assert feed(session, user_id=county.alice.id) == [("turf_assigned", county.alice.id, turf["id"])]
    assert [t["id"] for t in alice.get("/api/my/turfs").get_json()] == [turf["id"]]
    assert len(org.get(f"/api/assignments?turf_id={turf['id']}").get_json()) == 2
    alices = next(a for a in made if a["user"]["id"] == county.alice.id)
    ended = org.delete(f"/api/assignments/{alices['id']}")
    assert ended.status_code == 200 and ended.get_json()["ended_at"]
    assert alice.get("/api/my/turfs").get_json() == []
    assert alice.get(f"/api/turfs/{turf['id']}/door_list").status_code == 404
    assert feed(session, user_id=county.alice.id)[-1] == ("turf_unassigned", county.alice.id, turf["id"])
    assert len(org.get(f"/api/assignments?turf_id={turf['id']}").get_json()) == 1
    history = org.get(f"/api/assignments?turf_id={turf['id']}&active=false").get_json()
    assert len(history) == 2


def test_reassign_sets_exactly_the_given_canvassers(org, county, universe, session, login):
    turf = cut(org, universe["id"], target_doors=40)[0]
    org.post("/api/assignments", json={"turf_ids": [turf["id"]], "user_ids": [county.alice.id]})
    response = org.put(f"/api/turfs/{turf['id']}/assignees", json={"user_ids": [county.bob.id]})
    assert response.status_code == 200
    assert [a["user"]["id"] for a in response.get_json()] == [county.bob.id]
    assert login(county.alice).get("/api/my/turfs").get_json() == []
    assert [t["id"] for t in login(county.bob).get("/api/my/turfs").get_json()] == [turf["id"]]
    assert org.get(f"/api/turfs/{turf['id']}").get_json()["assignees"][0]["id"] == county.bob.id
    assert org.put(f"/api/turfs/{turf['id']}/assignees", json={"user_ids": []}).get_json() == []
    assert org.get(f"/api/turfs/{turf['id']}").get_json()["assignees"] == []


def test_assigning_unknown_or_disabled_users_or_turfs_is_refused(org, county, universe, session, factory):
    turf = cut(org, universe["id"], target_doors=40)[0]
    gone = factory.user("canvasser")
    gone.is_active = False
    session.commit()
    response = org.post("/api/assignments", json={"turf_ids": [turf["id"]],
                                                   "user_ids": [gone.id, 9999]})
    assert response.status_code == 422
    message = response.get_json()["errors"]["user_ids"]
    assert any("9999" in m for m in message) and any(str(gone.id) in m for m in message)
    response = org.post("/api/assignments", json={"turf_ids": [9999], "user_ids": [county.alice.id]})
    assert response.status_code == 404


def test_canvassers_cannot_assign(alice, org, county, universe):
    turf = cut(org, universe["id"], target_doors=40)[0]
    made = org.post("/api/assignments", json={"turf_ids": [turf["id"]],
                                               "user_ids": [county.bob.id]}).get_json()
    assert alice.post("/api/assignments", json={"turf_ids": [turf["id"]],
                                                "user_ids": [county.alice.id]}).status_code == 403
    assert alice.get("/api/assignments").status_code == 403
    assert alice.delete(f"/api/assignments/{made[0]['id']}").status_code == 403
    assert alice.put(f"/api/turfs/{turf['id']}/assignees",
                     json={"user_ids": [county.alice.id]}).status_code == 403


def test_co_canvassers_see_each_others_names_but_not_emails(org, alice, county, universe):
    turf = cut(org, universe["id"], target_doors=40)[0]
    org.post("/api/assignments", json={"turf_ids": [turf["id"]],
                                       "user_ids": [county.alice.id, county.bob.id]})
    mine = alice.get("/api/my/turfs").get_json()[0]
    assert {a["name"] for a in mine["assignees"]} == {"Alice", "Bob"}
    assert all("email" not in a for a in mine["assignees"])
    assert all("email" not in a for a in alice.get(f"/api/turfs/{turf['id']}").get_json()["assignees"])
    assert all(a["email"] for a in org.get(f"/api/turfs/{turf['id']}").get_json()["assignees"])


def test_taking_a_turf_back_from_one_keeps_a_disabled_co_assignee(org, county, universe,
                                                                 session):
    """QA: a turf with Bea and Carlos, Carlos disabled: taking it back from Bea re-sends
    Carlos and was refused ("disabled users"). Keeping a disabled assignee is allowed; giving
    a disabled user a turf they do not hold is still refused."""
    first, second = cut(org, universe["id"], target_doors=40)[:2]
    assert org.post("/api/assignments", json={"turf_ids": [first["id"]], "user_ids": [
        county.alice.id, county.bob.id]}).status_code == 201
    assert org.patch(f"/api/users/{county.bob.id}", json={"is_active": False}).status_code == 200
    shown = org.get(f"/api/turfs/{first['id']}").get_json()["assignees"]
    assert {a["id"]: a["is_active"] for a in shown} == {county.alice.id: True, county.bob.id: False}
    response = org.put(f"/api/turfs/{first['id']}/assignees", json={"user_ids": [county.bob.id]})
    assert response.status_code == 200, response.get_json()
    assert [a["user"]["id"] for a in response.get_json()] == [county.bob.id]
    # repeating an assignment the disabled user holds changes nothing and is fine
    assert org.post("/api/assignments", json={"turf_ids": [first["id"]],
                                              "user_ids": [county.bob.id]}).status_code == 201
    for refused in (
        org.put(f"/api/turfs/{second['id']}/assignees", json={"user_ids": [county.bob.id]}),
        org.post("/api/assignments", json={"turf_ids": [first["id"], second["id"]],
                                           "user_ids": [county.bob.id]}),
    ):
        assert refused.status_code == 422
        assert str(county.bob.id) in refused.get_json()["errors"]["user_ids"][0]

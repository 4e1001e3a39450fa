"""The field-corrections review queue: accept into the voter data, or reject with a note."""

from __future__ import annotations

from backend.models import Door, FieldCorrection, SyncChange, Voter


def correction(session, report, kind, **kw):
    row = FieldCorrection(canvass_report_id=report.id, door_id=report.door_id, kind=kind, **kw)
    session.add(row)
    session.commit()
    return row


def test_queue_and_accepting_each_kind(org, county, factory, session):
    door = county.doors[0]
    turf = factory.turf([door], assigned_to=[county.alice])
    report = factory.report(door, county.alice, turf=turf, result_code=None,
                            lon=door.lon + 0.0002, lat=door.lat)
    voter = next(v for v in county.voters if v.door_id == door.id)
    new_person = correction(session, report, "new_person",
                            details={"first_name": "Ada", "last_name": "Byron", "birth_year": 1990})
    moved = correction(session, report, "moved", voter_id=voter.id)
    wrong = correction(session, report, "wrong_address", details={"note": "vacant lot"})
    pin = correction(session, report, "misplaced_pin", details={})
    unit = correction(session, report, "new_unit", details={"unit": "2b"})
    queue = org.get("/api/field_corrections").get_json()
    assert [c["kind"] for c in queue] == ["new_person", "moved", "wrong_address",
                                          "misplaced_pin", "new_unit"]
    assert queue[0]["reported_by"]["id"] == county.alice.id
    assert queue[0]["door"]["address_line"] == door.address_line

    body = org.post(f"/api/field_corrections/{new_person.id}/accept", json={}).get_json()
    assert body["status"] == "accepted"
    created = session.get(Voter, body["applied"]["voter_id"])
    assert (created.first_name, created.last_name, created.door_id) == ("Ada", "Byron", door.id)

    org.post(f"/api/field_corrections/{moved.id}/accept", json={"note": "confirmed"})
    session.expire_all()
    assert session.get(Voter, voter.id).is_active is False
    assert session.get(Voter, voter.id).voter_status == "moved"
    assert session.query(SyncChange).filter_by(kind="do_not_contact", turf_id=turf.id).count() == 1

    org.post(f"/api/field_corrections/{wrong.id}/accept", json={})
    session.expire_all()
    assert session.get(Door, door.id).geocode_status == "failed"
    assert "vacant lot" in session.get(Door, door.id).geocode_error

    org.post(f"/api/field_corrections/{pin.id}/accept", json={})
    session.expire_all()
    moved_door = session.get(Door, door.id)
    assert moved_door.lon == report.recorded_lon and moved_door.geocode_status == "manual"

    body = org.post(f"/api/field_corrections/{unit.id}/accept", json={}).get_json()
    new_door = session.get(Door, body["applied"]["door_id"])
    # "2b" typed on a phone is spelled as a voter file's "2b" is imported.
    assert new_door.unit == "UNIT 2B" and new_door.building_key == door.building_key

    assert org.get("/api/field_corrections").get_json() == []
    assert len(org.get("/api/field_corrections?status=accepted").get_json()) == 5


def test_reject_needs_a_note_and_a_correction_is_reviewed_once(org, county, factory, session):
    report = factory.report(county.doors[1], county.alice, result_code=None)
    row = correction(session, report, "moved", voter_id=county.voters[1].id)
    assert org.post(f"/api/field_corrections/{row.id}/reject", json={}).status_code == 422
    response = org.post(f"/api/field_corrections/{row.id}/reject", json={"note": "still lives there"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"
    assert response.get_json()["review_note"] == "still lives there"
    session.expire_all()
    assert session.get(Voter, county.voters[1].id).is_active is True
    assert org.post(f"/api/field_corrections/{row.id}/accept", json={}).status_code == 409
    assert org.post("/api/field_corrections/9999/accept", json={}).status_code == 404


def test_a_correction_missing_what_it_needs_says_which_field(org, county, factory, session):
    report = factory.report(county.doors[2], county.alice, result_code=None)
    row = correction(session, report, "new_person", details={"first_name": "", "note": "upstairs"})
    response = org.post(f"/api/field_corrections/{row.id}/accept", json={})
    assert response.status_code == 422
    assert "details.first_name" in response.get_json()["errors"]  # a first or a last name
    assert org.get("/api/field_corrections").get_json()[0]["status"] == "pending"


def test_canvassers_cannot_review(alice, county, factory, session):
    report = factory.report(county.doors[3], county.alice, result_code=None)
    row = correction(session, report, "wrong_address")
    assert alice.get("/api/field_corrections").status_code == 403
    assert alice.post(f"/api/field_corrections/{row.id}/accept", json={}).status_code == 403
    assert alice.post(f"/api/field_corrections/{row.id}/reject", json={"note": "x"}).status_code == 403


def test_a_moved_pin_takes_its_turfs_outline_along(org, county, universe, factory, session):
    """A door's pin moved 150 m east of the county: its turf's outline grows to hold it, and
    no outline overlaps another."""
    from shapely.geometry import Point, shape

    from backend.models import Turf
    from tests.backend.organizer.conftest import cut
    from tests.backend.organizer.test_turfs import live_members

    turfs = cut(org, universe["id"], target_doors=40, min_doors=30, max_doors=50)
    turf = session.get(Turf, turfs[0]["id"])
    door = session.get(Door, live_members(session, turf.id)[0])
    east = max(d.lon for d in county.doors) + 0.002
    report = factory.report(door, county.alice, turf=turf, result_code=None, lon=east, lat=door.lat)
    pin = correction(session, report, "misplaced_pin", details={})
    assert not shape(turf.outline).contains(Point(east, door.lat))
    assert org.post(f"/api/field_corrections/{pin.id}/accept", json={}).status_code == 200
    session.expire_all()
    outlines = {t["id"]: shape(t["outline"]) for t in org.get("/api/turfs").get_json()}
    assert outlines[turf.id].buffer(1e-9).contains(Point(east, door.lat))
    ids = sorted(outlines)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            assert outlines[a].intersection(outlines[b]).area < 1e-12


def test_accepted_new_person_and_moved_recount_the_turfs_voters(org, county, universe, factory,
                                                               session):
    """QA: after a "new person" was accepted the turf list still said 38 voters while its
    door list had 39. The stored count follows both a new person and a voter who moved."""
    from backend.models import Turf
    from tests.backend.organizer.conftest import cut
    from tests.backend.organizer.test_turfs import live_members

    turf_id = cut(org, universe["id"], target_doors=40, min_doors=30, max_doors=50)[0]["id"]

    def count():
        return next(t["voter_count"] for t in org.get("/api/turfs").get_json() if t["id"] == turf_id)

    before = count()
    door = session.get(Door, live_members(session, turf_id)[0])
    report = factory.report(door, county.alice, turf=session.get(Turf, turf_id), result_code=None)
    new_person = correction(session, report, "new_person",
                            details={"first_name": "Ada", "last_name": "Byron"})
    assert org.post(f"/api/field_corrections/{new_person.id}/accept", json={}).status_code == 200
    assert count() == before + 1
    voter = next(v for v in county.voters if v.door_id == door.id)
    moved = correction(session, report, "moved", voter_id=voter.id)
    assert org.post(f"/api/field_corrections/{moved.id}/accept", json={}).status_code == 200
    assert count() == before


def test_a_new_unit_is_spelled_as_the_import_does_and_never_duplicates_one(
        org, county, factory, session, tmp_path):
    """QA: a canvasser typed "Apartment 2B" at a building whose file lists APT 2B: accepting
    made a second door, APARTMENT 2B, for the same flat (knocked twice, its history split),
    and a unit accepted as typed was not the door a later voter file's import found, so the
    file made yet another. The unit is now normalised like the import's, the building's
    units are compared without their "Apt"/"Unit"/"#" words, and a later file listing the
    accepted unit puts its voter at that door."""
    from backend.services.imports.voters import import_voters
    from tests.backend.imports.files import ohio_voter, write_ohio

    path = write_ohio(tmp_path / "swvf.txt", [
        ohio_voter(1, RESIDENTIAL_ADDRESS1="12 Oberlin Road", RESIDENTIAL_SECONDARY_ADDR="Apt 2B"),
        ohio_voter(2, RESIDENTIAL_ADDRESS1="12 Oberlin Road", RESIDENTIAL_SECONDARY_ADDR="Apt 3")])
    import_voters(session, path, None, keep_missing=True)
    session.commit()
    flat = session.query(Door).filter_by(address_line="12 OBERLIN RD", unit="APT 2B").one()
    report = factory.report(flat, county.alice, result_code=None)
    for typed in ("Apartment 2B", "#2b", "2B", "unit 2b"):
        row = correction(session, report, "new_unit", details={"unit": typed})
        response = org.post(f"/api/field_corrections/{row.id}/accept", json={})
        assert response.status_code == 409, (typed, response.get_json())
        assert f"door {flat.id}" in response.get_json()["message"]
    assert session.query(Door).filter_by(building_key=flat.building_key).count() == 2

    row = correction(session, report, "new_unit", details={"unit": "Apartment 4"})
    body = org.post(f"/api/field_corrections/{row.id}/accept", json={}).get_json()
    new_door = session.get(Door, body["applied"]["door_id"])
    assert new_door.unit == "APT 4"
    later = write_ohio(tmp_path / "later.txt", [
        ohio_voter(3, RESIDENTIAL_ADDRESS1="12 Oberlin Road", RESIDENTIAL_SECONDARY_ADDR="Apt 4")])
    import_voters(session, later, None, keep_missing=True)
    session.commit()
    assert session.query(Voter).filter_by(state_id="OH0000000003").one().door_id == new_door.id
    assert session.query(Door).filter_by(building_key=flat.building_key).count() == 3


def _pushed_correction(alice, turf, door, correction, voters=()):
    """A report as the volunteer app sends it, with a correction; the queue's new rows."""
    import datetime as dt
    import uuid

    body = {"uuid": str(uuid.uuid4()), "door_id": door.id, "turf_id": turf.id,
            "recorded_at": dt.datetime.now(dt.UTC).isoformat(), "voters": list(voters),
            "correction": correction}
    if not voters:
        body["result_code"] = None
    response = alice.post("/api/sync/reports", json={"reports": [body]})
    assert response.get_json()["results"][0]["status"] == "accepted", response.get_json()


def test_a_move_reported_from_the_app_can_be_accepted(org, alice, county, factory, session):
    """QA: the volunteer app reports "moved" as details.voter_ids (every voter marked moved
    at the door), but the server read only details.voter_id, so each such correction came
    in with no voter: the queue could not say who moved and accepting it was always a 422
    ("voter_id is missing"). Each voter listed now gets a correction of their own."""
    door = next(d for d in county.doors if sum(v.door_id == d.id for v in county.voters) == 2)
    pair = [v for v in county.voters if v.door_id == door.id]
    turf = factory.turf([door], assigned_to=[county.alice])
    _pushed_correction(alice, turf, door, {"kind": "moved", "details": {
        "voter_ids": [v.id for v in pair]}}, voters=[
        {"voter_id": v.id, "result_code": "moved"} for v in pair])
    queue = org.get("/api/field_corrections").get_json()
    assert sorted(c["voter"]["id"] for c in queue) == sorted(v.id for v in pair)
    for row in queue:
        response = org.post(f"/api/field_corrections/{row['id']}/accept", json={})
        assert response.status_code == 200, response.get_json()
    session.expire_all()
    assert all(session.get(Voter, v.id).voter_status == "moved" for v in pair)


def test_a_new_person_with_one_name_can_be_accepted(org, alice, county, factory, session):
    """QA: the app records a new person with a first or a last name ("Maria", all she
    gave), but accepting required both, so such a person could only be rejected. One name
    is enough; neither is still refused, naming the field."""
    door = county.doors[5]
    turf = factory.turf([door], assigned_to=[county.alice])
    _pushed_correction(alice, turf, door, {"kind": "new_person", "details": {
        "first_name": "Maria", "last_name": "", "note": "", "consent_recontact": False}})
    row = org.get("/api/field_corrections").get_json()[0]
    body = org.post(f"/api/field_corrections/{row['id']}/accept", json={}).get_json()
    assert body["status"] == "accepted", body
    maria = session.get(Voter, body["applied"]["voter_id"])
    assert (maria.first_name, maria.last_name, maria.door_id) == ("Maria", "", door.id)


def test_a_misplaced_pin_moves_the_whole_building(org, county, factory, session):
    """QA: the pin of one flat was moved and its neighbours' were not, so the building, one
    stop on a walk, became two stops a block apart, one of them still in the wrong place.
    The building's doors at the old pin now move together; one placed apart stays put."""
    from backend.models import SyncChange

    at = {"lon": -83.01, "lat": 40.01}
    flats = [factory.door(address_line="12 OAK ST", unit=f"APT {n}", **at) for n in (1, 2)]
    apart = factory.door(address_line="12 OAK ST", unit="REAR", lon=-83.0102, lat=40.0101)
    for d in (*flats, apart):
        factory.voter(d)
    turf = factory.turf([*flats, apart], assigned_to=[county.alice])
    report = factory.report(flats[0], county.alice, turf=turf, result_code=None)
    pin = correction(session, report, "misplaced_pin", details={"lon": -83.0095, "lat": 40.0105})
    body = org.post(f"/api/field_corrections/{pin.id}/accept", json={}).get_json()
    assert body["status"] == "accepted", body
    assert sorted(body["applied"]["door_ids"]) == sorted(d.id for d in flats)
    session.expire_all()
    assert {(session.get(Door, d.id).lon, session.get(Door, d.id).lat) for d in flats} == {
        (-83.0095, 40.0105)}
    assert (session.get(Door, apart.id).lon, session.get(Door, apart.id).lat) == (-83.0102, 40.0101)
    assert session.query(SyncChange).filter_by(kind="turf_updated", turf_id=turf.id).count() >= 1


def test_an_accepted_new_unit_joins_its_buildings_turf_and_walk_list(
        org, alice, county, factory, session):
    """QA: an accepted new unit made a door in no turf and with no voters, so it was on no
    walk list and the volunteer who reported it never found it again. It now joins the live
    turf of the door that reported it, walked right after its building, with that door's
    round of knocks; the turf's door count, outline and phones' changes follow."""
    from backend.models import Turf, TurfDoor

    doors = county.doors[:4]
    turf = factory.turf(doors, assigned_to=[county.alice])
    report = factory.report(doors[1], county.alice, turf=turf, result_code=None)
    seq = session.query(SyncChange).count()
    row = correction(session, report, "new_unit", details={"unit": "Apt 9"})
    body = org.post(f"/api/field_corrections/{row.id}/accept", json={}).get_json()
    new_id = body["applied"]["door_id"]
    assert body["applied"]["turf_ids"] == [turf.id]
    assert turf.name in body["applied"]["message"]

    session.expire_all()
    members = session.query(TurfDoor).filter_by(turf_id=turf.id, removed_at=None).order_by(
        TurfDoor.position).all()
    assert [m.door_id for m in members] == [doors[0].id, doors[1].id, new_id, doors[2].id,
                                            doors[3].id]
    assert [m.position for m in members] == [0, 1, 2, 3, 4]
    reporting = next(m for m in members if m.door_id == doors[1].id)
    joined = next(m for m in members if m.door_id == new_id)
    assert joined.knocks_since == (reporting.knocks_since or reporting.added_at)
    stored = session.get(Turf, turf.id)
    assert stored.door_count == 5 and stored.outline is not None
    kinds = [c.kind for c in session.query(SyncChange).order_by(SyncChange.id).all()[seq:]]
    assert "doors_added" in kinds and "turf_updated" in kinds

    listed = alice.get(f"/api/turfs/{turf.id}/door_list").get_json()
    door = next(d for d in listed["doors"] if d["id"] == new_id)
    assert (door["unit"], door["address_line"], door["voters"]) == (
        "APT 9", doors[1].address_line, [])
    assert listed["turf"]["door_count"] == 5


def test_a_new_unit_at_a_door_in_no_turf_says_it_is_on_no_walk_list(org, county, factory,
                                                                     session):
    from backend.models import TurfDoor

    door = county.doors[10]
    report = factory.report(door, county.alice, result_code=None)
    row = correction(session, report, "new_unit", details={"unit": "Apt 9"})
    body = org.post(f"/api/field_corrections/{row.id}/accept", json={}).get_json()
    assert body["applied"]["turf_ids"] == []
    assert "in no turf" in body["applied"]["message"]
    assert session.query(TurfDoor).filter_by(door_id=body["applied"]["door_id"]).count() == 0

"""The organizer's main path end to end: universe -> cut -> assign -> door list."""

from tests.backend.organizer.conftest import cut


def test_cut_assign_and_download_door_list(org, alice, county, universe):
    """A cut covers every door once; the assigned canvasser downloads the door list."""
    assert universe["voter_count"] == len(county.voters)
    assert universe["door_count"] == len(county.doors)
    turfs = cut(org, universe["id"], target_doors=20)
    assert sum(t["door_count"] for t in turfs) == len(county.doors)
    assert all(t["outline"]["type"] in ("Polygon", "MultiPolygon") for t in turfs)
    turf = turfs[0]
    response = org.post("/api/assignments", json={"turf_ids": [turf["id"]],
                                                   "user_ids": [county.alice.id]})
    assert response.status_code == 201, response.get_json()
    body = alice.get(f"/api/turfs/{turf['id']}/door_list").get_json()
    assert len(body["doors"]) == turf["door_count"]
    assert {c["code"] for c in body["result_codes"]} >= {"not_home", "refused", "moved"}
    voter = body["doors"][0]["voters"][0]
    assert "party" not in voter and "birth_year" not in voter

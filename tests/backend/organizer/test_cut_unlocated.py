"""A cut that leaves out doors without a map location says so."""

from __future__ import annotations

from backend.models import Door


def test_a_cut_names_the_doors_it_left_out_for_want_of_a_location(org, county, universe, session):
    """QA: a universe of 160 doors, 5 of them not geocoded, was cut and reported only "cut
    155 doors into N turfs": the organizer took the universe for done. The job now counts
    the doors left out and says what to do about them."""
    for door in county.doors[:5]:
        door.lat = door.lon = None
    session.commit()
    job = org.post(f"/api/universes/{universe['id']}/cut", json={"target_doors": 40}).get_json()
    assert job["status"] == "done", job
    assert job["result"]["door_count"] == len(county.doors) - 5
    assert job["result"]["doors_without_location"] == 5
    assert "5 doors of the universe have no map location yet and were left out" in job["message"]
    assert "geocode-doors" in job["message"]

    session.query(Door).filter(Door.lat.is_(None)).update({"lat": 40.0, "lon": -83.0})
    session.commit()
    again = org.post(f"/api/universes/{universe['id']}/cut", json={"target_doors": 40}).get_json()
    assert again["result"]["doors_without_location"] == 0
    assert "left out" not in again["message"]

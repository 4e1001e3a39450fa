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

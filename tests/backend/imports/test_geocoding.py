"""Geocoding through geopy against a local server that answers in Nominatim's and Photon's real
JSON formats (no network, nothing patched), the cache, per-address failures, and the Census
batch geocoder's result file."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select, update

from backend.models import Door, GeocodeCache, Voter
from tests.backend.imports.files import ohio_voter, write_ohio


class FakeProvider(BaseHTTPRequestHandler):
    """Answers /search like Nominatim and /api like Photon; 'NOWHERE' has no match and
    'BROKEN' gets a 500, as a real overloaded server would."""

    requests: list[tuple[str, str, str]]  # (path, query, user agent), set per server

    def do_GET(self):
        url = urlparse(self.path)
        params = parse_qs(url.query)
        q = params.get("q", [""])[0]
        self.server.requests.append((url.path, q, self.headers.get("User-Agent", "")))
        if "BROKEN" in q:
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"Internal Server Error")
            return
        lat, lon = position(q)
        if url.path == "/search":
            body = [] if "NOWHERE" in q else [{
                "place_id": 1000 + len(q), "licence": "Data © OpenStreetMap contributors, ODbL 1.0. "
                "http://osm.org/copyright", "osm_type": "way", "osm_id": 4242, "lat": f"{lat:.7f}",
                "lon": f"{lon:.7f}", "class": "building", "type": "house", "place_rank": 30,
                "importance": 9.99999999995449e-06, "addresstype": "building", "name": "",
                "display_name": f"{q}, Franklin County, Ohio, United States",
                "boundingbox": [f"{lat - 1e-4:.7f}", f"{lat + 1e-4:.7f}", f"{lon - 1e-4:.7f}",
                                f"{lon + 1e-4:.7f}"],
            }]  # fmt: skip
        elif url.path == "/api":
            features = [] if "NOWHERE" in q else [{
                "type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"osm_id": 4242, "osm_type": "W", "osm_key": "building",
                               "osm_value": "house", "type": "house", "housenumber": q.split()[0],
                               "street": "North High Street", "city": "Columbus",
                               "postcode": "43215", "state": "Ohio", "country": "United States",
                               "countrycode": "US"},
            }]  # fmt: skip
            body = {"type": "FeatureCollection", "features": features}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def position(query: str) -> tuple[float, float]:
    """A deterministic spot per address, so tests know where each door must land."""
    number = int(query.split()[0])
    return 39.9 + number / 10_000, -83.0 - number / 10_000


@pytest.fixture
def provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def configure(app, server, name="nominatim", **extra):
    app.config.update({
        "CANVASS_GEOCODER": name, "CANVASS_GEOCODER_DOMAIN": f"127.0.0.1:{server.server_port}",
        "CANVASS_GEOCODER_SCHEME": "http", "CANVASS_GEOCODER_MIN_DELAY": 0,
        "CANVASS_GEOCODER_USER_AGENT": "canvass-tests/1", "CANVASS_GEOCODER_MAX_RETRIES": 0,
        "CANVASS_GEOCODER_ERROR_WAIT": 0, **extra,
    })  # fmt: skip


VOTERS = [
    ohio_voter(1, RESIDENTIAL_ADDRESS1="120 North High Street"),
    ohio_voter(2, RESIDENTIAL_ADDRESS1="200 Gay Street", RESIDENTIAL_SECONDARY_ADDR="Apt 1"),
    ohio_voter(3, RESIDENTIAL_ADDRESS1="200 Gay Street", RESIDENTIAL_SECONDARY_ADDR="Apt 2"),
    ohio_voter(4, RESIDENTIAL_ADDRESS1="7 Nowhere Lane"),
    ohio_voter(5, RESIDENTIAL_ADDRESS1="9 Broken Road"),
]


def door_of(session, state_id) -> Door:
    v = session.execute(select(Voter).where(Voter.state_id == state_id)).scalar_one()
    return session.get(Door, v.door_id)


def test_import_with_geocode_uses_the_configured_nominatim_and_records_failures(
        app, runner, session, provider, tmp_path):
    """--geocode asks the configured Nominatim server once per building, places the doors,
    records "no match" and a server error on the doors concerned, and a second run takes
    every answer it already had from the cache (errors are asked again)."""
    configure(app, provider)
    result = runner.invoke(args=["import-voters", str(write_ohio(tmp_path / "oh.csv", VOTERS)),
                                 "--geocode"])  # fmt: skip
    assert result.exit_code == 0, result.output
    asked = [q for _, q, _ in provider.requests]
    assert len(asked) == 4, "one query per building: the two flats share one"
    assert {path for path, _, _ in provider.requests} == {"/search"}
    assert {agent for _, _, agent in provider.requests} == {"canvass-tests/1"}
    assert "120 N HIGH ST, COLUMBUS, OH 43215" in asked
    assert "geocoded             3" in result.output and "geocoding failed     2" in result.output
    high = door_of(session, "OH0000000001")
    assert (high.lat, high.lon) == pytest.approx(position("120")) and high.geocode_status == "geocoded"
    flat1, flat2 = door_of(session, "OH0000000002"), door_of(session, "OH0000000003")
    assert flat1.id != flat2.id and (flat1.lat, flat1.lon) == (flat2.lat, flat2.lon) != (None, None)
    nowhere, broken = door_of(session, "OH0000000004"), door_of(session, "OH0000000005")
    assert nowhere.geocode_status == "failed" and "no match for '7 NOWHERE LN" in nowhere.geocode_error
    assert broken.geocode_status == "failed" and "GeocoderServiceError" in broken.geocode_error
    assert nowhere.lat is None and broken.lat is None
    cached = session.scalars(select(GeocodeCache.query)).all()
    assert len(cached) == 3 and not any("BROKEN" in q for q in cached)

    # Clear every location, as a rebuilt database would have, and run again.
    session.execute(update(Door).values(lat=None, lon=None, geocode_status="pending", geocode_error=None))
    session.commit()
    result = runner.invoke(args=["geocode-doors"])
    assert result.exit_code == 0, result.output
    assert len(provider.requests) == 5, "only the address that had an error is asked again"
    assert "BROKEN" in provider.requests[-1][1]
    assert "3 answer(s) from the cache" in result.output
    session.expire_all()
    assert (door_of(session, "OH0000000001").lat, door_of(session, "OH0000000001").lon) == pytest.approx(position("120"))


def test_photon_provider_and_rate_limit(app, session, provider, tmp_path):
    """The provider is configuration: Photon's GeoJSON (lon, lat order) places doors the same
    way, and the rate limiter spaces requests by the configured delay."""
    from backend.services.geocoding import geocode_pending_doors, make_geocoder
    from backend.services.imports import import_voters

    import_voters(session, write_ohio(tmp_path / "oh.csv", VOTERS[:3] + [ohio_voter(6)]), None)
    configure(app, provider, name="photon", CANVASS_GEOCODER_MIN_DELAY=0.15)
    geocoder = make_geocoder(app.config)
    started = time.monotonic()
    result = geocode_pending_doors(session, geocoder, limit=10)
    elapsed = time.monotonic() - started
    assert result.requests == 3 and result.doors_geocoded == 4 and result.doors_failed == 0
    assert elapsed >= 0.29, "three requests, 0.15 s apart"
    assert {path for path, _, _ in provider.requests} == {"/api"}
    high = door_of(session, "OH0000000001")
    assert (high.lat, high.lon) == pytest.approx(position("120"))


def test_census_batch_export_and_result_import(runner, session, tmp_path):
    """Doors without coordinates go out as Census batch input (one row per building, door
    ids as ids); the result file places matched doors (x,y order) and their building, and
    records No_Match and Tie on the door."""
    assert runner.invoke(args=["import-voters", str(write_ohio(tmp_path / "oh.csv", VOTERS))]).exit_code == 0
    out = tmp_path / "census_in.csv"
    result = runner.invoke(args=["export-census-batch", str(out)])
    assert result.exit_code == 0, result.output
    rows = out.read_text().splitlines()
    assert len(rows) == 4
    high, flat1, flat2 = (door_of(session, f"OH000000000{n}") for n in (1, 2, 3))
    nowhere, broken = door_of(session, "OH0000000004"), door_of(session, "OH0000000005")
    assert f"{high.id},120 N HIGH ST,COLUMBUS,OH,43215" in rows
    results = tmp_path / "GeocodeResults.csv"
    results.write_text(
        f'"{high.id}","120 N HIGH ST, COLUMBUS, OH, 43215","Match","Exact","120 N HIGH ST, COLUMBUS, OH, 43215","-82.998794,39.961176","128625465","L"\n'
        f'"{flat1.id}","200 GAY ST, COLUMBUS, OH, 43215","Match","Non_Exact","200 E GAY ST, COLUMBUS, OH, 43215","-82.99,39.96","128625466","R"\n'
        f'"{nowhere.id}","7 NOWHERE LN, COLUMBUS, OH, 43215","No_Match"\n'
        f'"{broken.id}","9 BROKEN RD, COLUMBUS, OH, 43215","Tie"\n'
    )  # fmt: skip
    result = runner.invoke(args=["import-geocodes", str(results)])
    assert result.exit_code == 0, result.output
    session.expire_all()
    high, flat2 = session.get(Door, high.id), session.get(Door, flat2.id)
    assert (high.lat, high.lon, high.geocode_status) == (39.961176, -82.998794, "census")
    assert (flat2.lat, flat2.lon) == (39.96, -82.99), "the building's other door is placed too"
    nowhere, broken = session.get(Door, nowhere.id), session.get(Door, broken.id)
    assert nowhere.geocode_status == "failed" and "No_Match" in nowhere.geocode_error
    assert broken.geocode_status == "failed" and "Tie" in broken.geocode_error


def test_broken_census_file_stores_nothing(runner, session, tmp_path):
    """A Census result file with a bad coordinate or an unknown door id stores nothing and
    names each line and field."""
    assert runner.invoke(args=["import-voters", str(write_ohio(tmp_path / "oh.csv", VOTERS[:1]))]).exit_code == 0
    door = door_of(session, "OH0000000001")
    results = tmp_path / "GeocodeResults.csv"
    results.write_text(
        f'"{door.id}","120 N HIGH ST","Match","Exact","120 N HIGH ST","-82.99,39.96","1","L"\n'
        f'"{door.id}","120 N HIGH ST","Match","Exact","120 N HIGH ST","39.96","1","L"\n'
        f'"999999","1 MAIN ST","Match","Exact","1 MAIN ST","-82.99,39.96","1","L"\n'
    )  # fmt: skip
    result = runner.invoke(args=["import-geocodes", str(results)])
    assert result.exit_code == 1
    assert f"{results}:2 [coordinates]: '39.96' is not \"longitude,latitude\"" in result.output
    assert "door 999999 does not exist" in result.output
    session.expire_all()
    assert session.get(Door, door.id).lat is None


def test_census_file_an_unknown_door_is_named_by_its_line(runner, session, tmp_path):
    """A door id the database does not hold is reported on the line that gives it."""
    assert runner.invoke(args=["import-voters", str(write_ohio(tmp_path / "oh.csv", VOTERS[:1]))]).exit_code == 0
    door = door_of(session, "OH0000000001")
    results = tmp_path / "GeocodeResults.csv"
    results.write_text(
        f'"{door.id}","120 N HIGH ST","Match","Exact","120 N HIGH ST","-82.99,39.96","1","L"\n'
        '"999999","1 MAIN ST","Match","Exact","1 MAIN ST","-82.99,39.96","1","L"\n'
    )  # fmt: skip
    result = runner.invoke(args=["import-geocodes", str(results)])
    assert result.exit_code == 1
    assert f"{results}:2 [id]: door 999999 does not exist in this database" in result.output
    session.expire_all()
    assert session.get(Door, door.id).lat is None


def test_census_file_saved_again_in_windows_1252_is_read(runner, session, tmp_path):
    """A result file a spreadsheet saved again in Windows-1252 (the echoed address has a
    Ñ) is read, not a crash: the failure recorded on the door quotes the address as it was."""
    voters = [ohio_voter(1, RESIDENTIAL_ADDRESS1="7 Peña Ln"), ohio_voter(2)]
    assert runner.invoke(args=["import-voters", str(write_ohio(tmp_path / "oh.csv", voters))]).exit_code == 0
    pena, other = door_of(session, "OH0000000001"), door_of(session, "OH0000000002")
    results = tmp_path / "GeocodeResults.csv"
    results.write_bytes(
        f'"{pena.id}","7 PEÑA LN, COLUMBUS, OH, 43215","No_Match"\n'
        f'"{other.id}","102 N HIGH ST","Match","Exact","102 N HIGH ST","-82.99,39.96","1","L"\n'
        .encode("cp1252"))  # fmt: skip
    result = runner.invoke(args=["import-geocodes", str(results)])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert "7 PEÑA LN" in session.get(Door, pena.id).geocode_error
    assert session.get(Door, other.id).lat == 39.96


def test_an_unknown_geocoder_is_one_line_and_changes_nothing(app, runner, session, tmp_path):
    """CANVASS_GEOCODER naming no geopy provider is a one-line error, not a traceback; it
    stops before a --geocode import stores anything and before --retry-failed queues the
    failed doors again."""
    app.config["CANVASS_GEOCODER"] = "nosuch"
    result = runner.invoke(args=["import-voters", str(write_ohio(tmp_path / "oh.csv", VOTERS)),
                                 "--geocode"])  # fmt: skip
    assert result.exit_code == 1
    assert "Error: CANVASS_GEOCODER='nosuch' is not a geopy provider" in result.output
    assert session.scalar(select(Door.id)) is None
    app.config["CANVASS_GEOCODER"] = "nominatim"
    assert runner.invoke(args=["import-voters", str(tmp_path / "oh.csv")]).exit_code == 0
    session.execute(update(Door).values(geocode_status="failed", geocode_error="no match"))
    session.commit()
    app.config["CANVASS_GEOCODER"] = "nosuch"
    result = runner.invoke(args=["geocode-doors", "--retry-failed"])
    assert result.exit_code == 1
    assert "Error: CANVASS_GEOCODER='nosuch' is not a geopy provider" in result.output
    session.expire_all()
    assert set(session.scalars(select(Door.geocode_status))) == {"failed"}

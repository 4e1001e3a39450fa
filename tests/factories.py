"""Plain factories for tests: real rows through the real models, sensible defaults."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from backend.models import Assignment, Door, Precinct, Turf, TurfDoor, Universe, User, Voter
from backend.services.auth import hash_password

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _password_hash(password: str) -> str:
    # argon2 is slow on purpose; tests reuse one hash per password.
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


class Factory:
    def __init__(self, session: Session):
        self.session = session

    def _n(self) -> int:
        return next(_counter)

    def user(self, role: str = "canvasser", *, email: str | None = None, name: str = "",
             password: str = PASSWORD) -> User:
        n = self._n()
        user = User(email=email or f"{role}{n}@example.org", name=name or f"{role.title()} {n}",
                    role=role, password_hash=_password_hash(password))
        self.session.add(user)
        self.session.commit()
        return user

    def precinct(self, code: str | None = None, **kw) -> Precinct:
        precinct = Precinct(code=code or f"P{self._n()}", name=kw.pop("name", "Precinct"), **kw)
        self.session.add(precinct)
        self.session.commit()
        return precinct

    def door(self, *, lon: float = -83.0, lat: float = 40.0, unit: str = "", **kw) -> Door:
        n = self._n()
        line = kw.pop("address_line", f"{100 + n} MAIN ST")
        zip5 = kw.pop("zip", "43215")
        door = Door(address_line=line, unit=unit, zip=zip5, city=kw.pop("city", "COLUMBUS"),
                    state=kw.pop("state", "OH"), lon=lon, lat=lat,
                    address_key=f"{line}|{unit}|{zip5}", building_key=f"{line}|{zip5}",
                    geocode_status="vendor", **kw)
        self.session.add(door)
        self.session.commit()
        return door

    def voter(self, door: Door | None = None, *, commit: bool = True, **kw) -> Voter:
        n = self._n()
        voter = Voter(state_id=kw.pop("state_id", f"OH{n:010d}"),
                      first_name=kw.pop("first_name", f"First{n}"),
                      last_name=kw.pop("last_name", f"Last{n}"),
                      birth_year=kw.pop("birth_year", 1980), party=kw.pop("party", "D"),
                      door_id=door.id if door else None, **kw)
        self.session.add(voter)
        self.session.commit() if commit else self.session.flush()
        return voter

    def turf(self, doors: list[Door], *, name: str | None = None,
             assigned_to: list[User] | tuple[User, ...] = (),
             universe: Universe | None = None) -> Turf:
        """A turf of these doors, cut from ``universe`` (with its filters as they are now)."""
        turf = Turf(name=name or f"Turf {self._n()}", door_count=len(doors),
                    universe_id=universe.id if universe else None,
                    filters=dict(universe.filters) if universe else {})
        self.session.add(turf)
        self.session.flush()
        for position, door in enumerate(doors):
            self.session.add(TurfDoor(turf_id=turf.id, door_id=door.id, position=position))
        for user in assigned_to:
            self.session.add(Assignment(turf_id=turf.id, user_id=user.id))
        self.session.commit()
        return turf

    # --- organizer console (universes, turfs, progress) ---------------------------------

    def door_grid(self, cols: int, rows: int, *, lon0: float = -83.0, lat0: float = 40.0,
                  step: float = 0.0004, precinct_of=None) -> list[Door]:
        """cols x rows doors on a lon/lat grid, row by row, committed once."""
        doors = []
        for row in range(rows):
            for col in range(cols):
                n = self._n()
                line = f"{100 + n} GRID ST"
                precinct = precinct_of(col, row) if precinct_of else None
                doors.append(Door(address_line=line, zip="43215", city="COLUMBUS", state="OH",
                                  lon=lon0 + col * step, lat=lat0 + row * step,
                                  address_key=f"{line}||43215", building_key=f"{line}|43215",
                                  geocode_status="vendor",
                                  precinct_id=precinct.id if precinct else None))
        self.session.add_all(doors)
        self.session.commit()
        return doors

    def report(self, door: Door, canvasser: User, *, turf: Turf | None = None,
               result_code: str | None = "not_home", recorded_at=None, items=(),
               lon: float | None = None, lat: float | None = None, commit: bool = True):
        """A canvass report as sync ingest stores it; ``items`` are CanvassReportItem kwargs."""
        import datetime as dt
        import uuid

        from backend.models import CanvassReport, CanvassReportItem

        when = recorded_at or dt.datetime.now(dt.UTC)
        report = CanvassReport(
            uuid=str(uuid.uuid4()), body_hash="0" * 64, door_id=door.id,
            turf_id=turf.id if turf else None, canvasser_id=canvasser.id,
            result_code=result_code, recorded_at=when, received_at=when, effective_at=when,
            recorded_lon=lon, recorded_lat=lat, body={})
        report.items = [CanvassReportItem(**item) for item in items]
        self.session.add(report)
        if commit:
            self.session.commit()
        return report

    def contact_history(self, door: Door, status: str, *, voter: Voter | None = None,
                        attempts: int = 1, not_home_count: int = 0, last_attempt_at=None):
        from backend.models import ContactHistory

        row = ContactHistory(
            subject=f"v{voter.id}" if voter else f"d{door.id}", door_id=door.id,
            voter_id=voter.id if voter else None, status=status, attempts=attempts,
            not_home_count=not_home_count, last_attempt_at=last_attempt_at)
        self.session.add(row)
        self.session.commit()
        return row

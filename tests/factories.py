"""Plain factories for tests: real rows through the real models, sensible defaults."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from backend.models import Assignment, Door, Precinct, Turf, TurfDoor, User, Voter
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

    def voter(self, door: Door | None = None, **kw) -> Voter:
        n = self._n()
        voter = Voter(state_id=kw.pop("state_id", f"OH{n:010d}"),
                      first_name=kw.pop("first_name", f"First{n}"),
                      last_name=kw.pop("last_name", f"Last{n}"),
                      birth_year=kw.pop("birth_year", 1980), party=kw.pop("party", "D"),
                      door_id=door.id if door else None, **kw)
        self.session.add(voter)
        self.session.commit()
        return voter

    def turf(self, doors: list[Door], *, name: str | None = None,
             assigned_to: list[User] | tuple[User, ...] = ()) -> Turf:
        turf = Turf(name=name or f"Turf {self._n()}", door_count=len(doors))
        self.session.add(turf)
        self.session.flush()
        for position, door in enumerate(doors):
            self.session.add(TurfDoor(turf_id=turf.id, door_id=door.id, position=position))
        for user in assigned_to:
            self.session.add(Assignment(turf_id=turf.id, user_id=user.id))
        self.session.commit()
        return turf

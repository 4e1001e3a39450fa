"""Bulk paths into the database: staging tables, then set-based SQL.

Rows go into temporary staging tables with the database's own bulk path (COPY on PostgreSQL,
executemany on SQLite), all inside the caller's transaction; only then do a few INSERT ...
SELECT and UPDATE statements touch the real tables. A rollback at any point leaves the
database as it was, and the temporary tables vanish with the connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from backend.models._types import UTCDateTime

__all__ = ["Stage"]

_STAGE_TABLES = {
    "import_stage_voters": (
        "line INTEGER PRIMARY KEY, state_id VARCHAR(40) NOT NULL, first_name TEXT, "
        "middle_name TEXT, last_name TEXT, suffix TEXT, birth_year INTEGER, gender TEXT, "
        "party TEXT, registered_on {date}, voter_status TEXT, address_key TEXT NOT NULL"
    ),
    "import_stage_doors": (
        "address_key TEXT NOT NULL, building_key TEXT, address_line TEXT, unit TEXT, city TEXT, "
        "state TEXT, zip TEXT, lat {float}, lon {float}, precinct_code TEXT"
    ),
    "import_stage_votes": "line INTEGER NOT NULL, election_id INTEGER NOT NULL, ballot TEXT",
    "import_stage_kept": "state_id VARCHAR(40) NOT NULL",
}
_COLUMNS = {
    "import_stage_voters": ("line", "state_id", "first_name", "middle_name", "last_name",
                            "suffix", "birth_year", "gender", "party", "registered_on",
                            "voter_status", "address_key"),
    "import_stage_doors": ("address_key", "building_key", "address_line", "unit", "city",
                           "state", "zip", "lat", "lon", "precinct_code"),
    "import_stage_votes": ("line", "election_id", "ballot"),
    "import_stage_kept": ("state_id",),
}  # fmt: skip
# Voter columns an import owns; everything else on a voter (its history) is never touched.
_VOTER_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "birth_year", "gender",
                 "party", "registered_on", "voter_status", "door_id")  # fmt: skip


class Stage:
    """The staging tables of one import, on the session's connection and transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.pg = self.dialect == "postgresql"
        self.now = dt.datetime.now(dt.UTC)
        self._dbapi = session.connection().connection.driver_connection
        for name, columns in _STAGE_TABLES.items():
            ddl = columns.format(date="DATE" if self.pg else "TEXT",
                                 float="DOUBLE PRECISION" if self.pg else "REAL")
            self.session.execute(text(f"DROP TABLE IF EXISTS {'pg_temp.' if self.pg else 'temp.'}{name}"))
            suffix = " ON COMMIT DROP" if self.pg else ""
            self.session.execute(text(f"CREATE TEMPORARY TABLE {name} ({ddl}){suffix}"))

    # -- loading -------------------------------------------------------------------------
    def load(self, table: str, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        columns = _COLUMNS[table]
        if self.pg:
            with self._dbapi.cursor() as cur:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self._dbapi.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )

    def _exec(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        statement = text(sql)
        if params and "now" in params:
            statement = statement.bindparams(bindparam("now", type_=UTCDateTime))
        return self.session.execute(statement, params or {})

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        return self._exec(sql, params).scalar()

    # -- checks before anything is stored ------------------------------------------------
    def duplicate_lines(self) -> list[tuple[str, int, int]]:
        """(state id, line, first line) for every repeat of a state id in the file."""
        rows = self._exec(
            "SELECT s.state_id, s.line, f.first_line FROM import_stage_voters s JOIN "
            "(SELECT state_id, MIN(line) AS first_line FROM import_stage_voters GROUP BY state_id "
            "HAVING COUNT(*) > 1) f ON f.state_id = s.state_id WHERE s.line > f.first_line "
            "ORDER BY s.line"
        ).all()
        return [(r[0], r[1], r[2]) for r in rows]

    def drop_lines(self, lines: Iterable[int]) -> None:
        lines = list(lines)
        for start in range(0, len(lines), 500):
            chunk = {"lines": lines[start : start + 500]}
            for table in ("import_stage_voters", "import_stage_votes"):
                self.session.execute(
                    text(f"DELETE FROM {table} WHERE line IN :lines").bindparams(
                        bindparam("lines", expanding=True)), chunk)

    def index(self) -> None:
        self._exec("CREATE INDEX ix_import_stage_voters_state_id ON import_stage_voters (state_id)")
        if self.pg:
            self._exec("ANALYZE import_stage_voters")
            self._exec("ANALYZE import_stage_doors")
            self._exec("ANALYZE import_stage_votes")

    # -- merging into the real tables -----------------------------------------------------
    def merge_precincts(self, precincts: dict[str, str]) -> int:
        if not precincts:
            return 0
        before = self.scalar("SELECT COUNT(*) FROM precincts")
        self.session.execute(
            text("INSERT INTO precincts (code, name) VALUES (:code, :name) "
                 "ON CONFLICT (code) DO NOTHING"),
            [{"code": c, "name": n} for c, n in precincts.items()],
        )  # fmt: skip
        return self.scalar("SELECT COUNT(*) FROM precincts") - before

    def merge_doors(self, had_doors: bool) -> int:
        created = self._exec(
            "INSERT INTO doors (address_key, building_key, address_line, unit, city, state, zip, "
            "lat, lon, precinct_id, geocode_status, access_note, created_at, updated_at) "
            "SELECT s.address_key, s.building_key, s.address_line, s.unit, s.city, s.state, "
            "s.zip, s.lat, s.lon, p.id, CASE WHEN s.lat IS NULL THEN 'pending' ELSE 'vendor' END, "
            "'', :now, :now FROM import_stage_doors s "
            "LEFT JOIN precincts p ON p.code = s.precinct_code "
            + ("WHERE NOT EXISTS (SELECT 1 FROM doors d WHERE d.address_key = s.address_key)"
               if had_doors else ""),
            {"now": self.now},
        ).rowcount  # fmt: skip
        if had_doors:
            self._update_existing_doors()
        return created

    def _update_existing_doors(self) -> None:
        now = {"now": self.now}
        # Newer vendor coordinates win, except a pin an organizer placed by hand.
        self._exec(
            "UPDATE doors SET lat = s.lat, lon = s.lon, geocode_status = 'vendor', "
            "geocode_error = NULL, updated_at = :now FROM import_stage_doors s "
            "WHERE s.address_key = doors.address_key AND s.lat IS NOT NULL "
            "AND doors.geocode_status <> 'manual' "
            "AND (doors.lat IS NULL OR doors.lat <> s.lat OR doors.lon <> s.lon)", now)
        # Precincts are redrawn; a door follows the file's precinct code when it has one.
        self._exec(
            "UPDATE doors SET precinct_id = p.id, updated_at = :now "
            "FROM import_stage_doors s JOIN precincts p ON p.code = s.precinct_code "
            "WHERE s.address_key = doors.address_key "
            "AND (doors.precinct_id IS NULL OR doors.precinct_id <> p.id)", now)
        # A new unit in a building already on the map stands where the building stands.
        self._exec(
            "UPDATE doors SET (lat, lon, geocode_status) = (SELECT b.lat, b.lon, b.geocode_status "
            "FROM doors b WHERE b.building_key = doors.building_key AND b.lat IS NOT NULL "
            "ORDER BY b.id LIMIT 1) WHERE doors.lat IS NULL AND doors.geocode_status = 'pending' "
            "AND EXISTS (SELECT 1 FROM doors b WHERE b.building_key = doors.building_key "
            "AND b.lat IS NOT NULL)")  # fmt: skip

    def late_coordinates(self, rows: list[tuple]) -> None:
        if rows:
            self.session.execute(
                text("UPDATE doors SET lat = :lat, lon = :lon, geocode_status = 'vendor' "
                     "WHERE address_key = :key AND lat IS NULL"),
                [{"lat": la, "lon": lo, "key": k} for la, lo, k in rows],
            )  # fmt: skip

    def merge_voters(self, had_voters: bool) -> tuple[int, int]:
        """Insert new voters and update changed ones by state id: (created, updated)."""
        created = (
            self.scalar("SELECT COUNT(*) FROM import_stage_voters s WHERE NOT EXISTS "
                        "(SELECT 1 FROM voters v WHERE v.state_id = s.state_id)")
            if had_voters else self.scalar("SELECT COUNT(*) FROM import_stage_voters")
        )  # fmt: skip
        distinct = "IS DISTINCT FROM" if self.pg else "IS NOT"
        changed = " OR ".join(f"voters.{c} {distinct} excluded.{c}" for c in _VOTER_FIELDS)
        cols = ", ".join(_VOTER_FIELDS)
        sets = ", ".join(f"{c} = excluded.{c}" for c in _VOTER_FIELDS)
        touched = self._exec(
            f"INSERT INTO voters (state_id, {cols}, is_active, created_at, updated_at) "
            "SELECT s.state_id, s.first_name, s.middle_name, s.last_name, s.suffix, s.birth_year, "
            "s.gender, s.party, s.registered_on, s.voter_status, d.id, TRUE, :now, :now "
            "FROM import_stage_voters s JOIN doors d ON d.address_key = s.address_key WHERE TRUE "
            f"ON CONFLICT (state_id) DO UPDATE SET {sets}, is_active = TRUE, "
            f"updated_at = excluded.updated_at WHERE {changed} OR NOT voters.is_active",
            {"now": self.now},
        ).rowcount  # fmt: skip
        return created, touched - created

    def inactivate_missing(self) -> int:
        """Voters no longer in the file: kept with their history, marked inactive."""
        if self.pg:
            gone = ("NOT EXISTS (SELECT 1 FROM import_stage_voters s WHERE s.state_id = voters.state_id) "
                    "AND NOT EXISTS (SELECT 1 FROM import_stage_kept k WHERE k.state_id = voters.state_id)")
        else:
            gone = ("state_id NOT IN (SELECT state_id FROM import_stage_voters) "
                    "AND state_id NOT IN (SELECT state_id FROM import_stage_kept)")
        return self._exec(
            f"UPDATE voters SET is_active = FALSE, updated_at = :now WHERE is_active AND {gone}",
            {"now": self.now},
        ).rowcount  # fmt: skip

    def merge_votes(self, election_ids: list[int], had_votes: bool) -> int:
        if not election_ids:
            return 0
        if had_votes:
            # A vote the newer file no longer shows for an election it lists was a correction.
            self._exec("CREATE INDEX ix_import_stage_votes_line ON import_stage_votes (line)")
            self.session.execute(
                text("DELETE FROM vote_history WHERE election_id IN :ids "
                     "AND voter_id IN (SELECT v.id FROM voters v JOIN import_stage_voters s "
                     "ON s.state_id = v.state_id) AND NOT EXISTS (SELECT 1 FROM import_stage_votes sv "
                     "JOIN import_stage_voters s ON s.line = sv.line JOIN voters v "
                     "ON v.state_id = s.state_id WHERE v.id = vote_history.voter_id "
                     "AND sv.election_id = vote_history.election_id)"
                     ).bindparams(bindparam("ids", expanding=True)),
                {"ids": election_ids},
            )  # fmt: skip
        return self._exec(
            "INSERT INTO vote_history (voter_id, election_id, ballot) "
            "SELECT v.id, sv.election_id, sv.ballot FROM import_stage_votes sv "
            "JOIN import_stage_voters s ON s.line = sv.line "
            "JOIN voters v ON v.state_id = s.state_id WHERE TRUE "
            "ON CONFLICT (voter_id, election_id) DO UPDATE SET ballot = excluded.ballot "
            "WHERE vote_history.ballot <> excluded.ballot"
        ).rowcount

    def drop(self) -> None:
        if not self.pg:  # PostgreSQL drops them at commit
            for name in _STAGE_TABLES:
                self._exec(f"DROP TABLE IF EXISTS temp.{name}")

"""Bulk paths into the database: staging tables, then set-based SQL, batch by batch.

Each batch of checked rows goes into temporary staging tables with the database's own bulk
path (COPY on PostgreSQL, executemany on SQLite), then a few INSERT ... SELECT and UPDATE
statements merge it into the real tables. Everything runs inside the caller's transaction: a
rollback at any point leaves the database as it was, and the temporary tables go with it.

A re-import into a database with turfs also notes the doors it changes that a phone's door_list
shows (``changed_turfs``), so their turfs can go to the change feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from backend.models._types import UTCDateTime

__all__ = ["Stage"]

_STAGE_TABLES = {
    # one batch at a time, emptied after each merge
    "import_batch_voters": (
        "line INTEGER PRIMARY KEY, state_id VARCHAR(40) NOT NULL, first_name TEXT, "
        "middle_name TEXT, last_name TEXT, suffix TEXT, birth_year INTEGER, gender TEXT, "
        "party TEXT, registered_on {date}, voter_status TEXT, address_key TEXT NOT NULL"
    ),
    "import_batch_doors": (
        "address_key TEXT NOT NULL, building_key TEXT, address_line TEXT, unit TEXT, city TEXT, "
        "state TEXT, zip TEXT, lat {float}, lon {float}, precinct_code TEXT"
    ),
    "import_batch_votes": "line INTEGER NOT NULL, election_id INTEGER NOT NULL, ballot TEXT",
    "import_batch_ids": "voter_id INTEGER PRIMARY KEY",
    "import_batch_pairs": ("voter_id INTEGER NOT NULL, election_id INTEGER NOT NULL, ballot TEXT, "
                           "PRIMARY KEY (voter_id, election_id)"),
    # the batch's new (no voter_id) and changed voters: the door they join and the one they leave
    "import_batch_changes": (
        "line INTEGER PRIMARY KEY, voter_id INTEGER, door_id INTEGER NOT NULL, left_door_id INTEGER"
    ),
    # the whole file, for what is decided at the end
    "import_seen_voters": "state_id VARCHAR(40) NOT NULL",
    "import_seen_doors": "address_key TEXT NOT NULL",
    # doors whose location or voters this import changed, and the doors moved voters left
    "import_changed_doors": "door_id INTEGER, left_door_id INTEGER",
    # of those, the doors whose location moved: their turfs' outlines are drawn again
    "import_moved_doors": "door_id INTEGER",
}
_COLUMNS = {
    "import_batch_voters": ("line", "state_id", "first_name", "middle_name", "last_name",
                            "suffix", "birth_year", "gender", "party", "registered_on",
                            "voter_status", "address_key"),
    "import_batch_doors": ("address_key", "building_key", "address_line", "unit", "city",
                           "state", "zip", "lat", "lon", "precinct_code"),
    "import_batch_votes": ("line", "election_id", "ballot"),
    "import_seen_voters": ("state_id",),
    "import_seen_doors": ("address_key",),
    "import_changed_doors": ("door_id",),
    "import_moved_doors": ("door_id",),
}  # fmt: skip
_DOOR_COLUMNS = ("id", "address_key", "building_key", "address_line", "unit", "city", "state",
                 "zip", "lat", "lon", "precinct_id", "geocode_status", "access_note",
                 "created_at", "updated_at")
_VOTER_COLUMNS = ("id", "state_id", "first_name", "middle_name", "last_name", "suffix",
                  "birth_year", "gender", "party", "registered_on", "voter_status", "is_active",
                  "door_id", "created_at", "updated_at")  # fmt: skip
# Voter columns an import owns; everything else about a voter (their history) is never touched.
_VOTER_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "birth_year", "gender",
                 "party", "registered_on", "voter_status", "door_id")  # fmt: skip
# A person added from the field (services/corrections.py): no vendor file lists them, so a
# file never makes them inactive; they stay until an organizer acts.
_FIELD_ADDED = "state_id LIKE 'FIELD-%'"
# An accepted "moved" correction (services/corrections.py), on the voters row aliased {v}: the
# move holds while a newer file still shows the voter at the door they left; a vendor's list
# lags a move by months, so that listing is older news than the canvasser's confirmation.
_MOVE_CONFIRMED = "({v}.voter_status = 'moved' AND NOT {v}.is_active)"


class Stage:
    """The staging tables of one import, on the session's connection and transaction.

    ``had_doors``/``had_voters``/``had_votes`` say whether the tables held rows before the
    import: a first import skips every check against earlier rows.
    """

    def __init__(self, session: Session) -> None:
        # The writer thread has no app context, which Flask-SQLAlchemy's session needs to find
        # its engine: work on the session's connection (and so its transaction) directly.
        self.conn = session.connection()
        self.pg = self.conn.dialect.name == "postgresql"
        self.now = dt.datetime.now(dt.UTC)
        self._dbapi: Any = cast(Any, self.conn.connection.driver_connection)
        self.precincts_created = self.doors_created = 0
        self.voters_created = self.voters_updated = self.votes = 0
        self._known_precincts: set[str] = set()
        self._analysed = self._pairs_analysed = self._ids_analysed = False
        # The elections of the file's history columns; set before the first batch.
        self.election_ids: list[int] = []
        if not self.pg:
            # Index pages of a million-row table do not fit SQLite's default 2 MB cache.
            self._exec("PRAGMA cache_size = -196608")
            self._exec("PRAGMA temp_store = MEMORY")
            # Python's sqlite3 opens a transaction only before INSERT/UPDATE/DELETE; the DDL
            # below must be inside it too, or a rollback would not undo it.
            if not self._dbapi.in_transaction:
                self._dbapi.execute("BEGIN")
        self.had_doors = self._exists("doors")
        self.had_voters = self._exists("voters")
        self.had_votes = self._exists("vote_history")
        # The safety check's base: the voters active before this file. Counted now, since
        # the merge makes new voters active and brings listed inactive ones back.
        self.active_before = (
            int(self.scalar("SELECT COUNT(*) FROM voters WHERE is_active")) if self.had_voters else 0
        )
        self._relaxed: list[Any] = []
        self._relax_empty_tables()
        # A first import (no doors, no voters yet) writes straight into the real tables with
        # ids it numbers itself: no staging, no joins to find ids. Re-imports match by state
        # id and address through the staging tables.
        self.fast = not self.had_doors and not self.had_voters
        if self.fast:
            self._door_next = self._first_id("doors")
            self._voter_next = self._first_id("voters")
            self._precinct_ids: dict[str, int] = {}
            stamp = self.now if self.pg else self.now.replace(tzinfo=None).strftime(
                "%Y-%m-%d %H:%M:%S.%f")
            self._stamp = stamp
        # Phones hold the door lists of live turfs. Only when there is one does the import note
        # the doors it changes; a first import never has one (turfs are cut from doors).
        self.watch = not self.fast and self._has_live_turf()
        # Elections whose votes a live turf's filters select on (voted_in, not_voted_in): only
        # a vote changed in one of them can change which voters a door_list shows.
        self.watched_elections = self._watched_elections() if self.watch else set()
        for name, columns in _STAGE_TABLES.items():
            ddl = columns.format(date="DATE" if self.pg else "TEXT",
                                 float="DOUBLE PRECISION" if self.pg else "REAL")
            self._exec(f"DROP TABLE IF EXISTS {'pg_temp.' if self.pg else 'temp.'}{name}")
            suffix = " ON COMMIT DROP" if self.pg else ""
            self._exec(f"CREATE TEMPORARY TABLE {name} ({ddl}){suffix}")

    def _relax_empty_tables(self) -> None:
        """PostgreSQL's advice for populating a database: into a table that starts empty, load
        without its foreign keys and secondary indexes, then build them once at the end.

        ``restore`` adds them back from the models' own definitions; adding a foreign key
        checks every row, so nothing escapes the constraints, and the DDL is part of the
        transaction, so a rollback puts everything back as it was. Tables that already hold
        rows keep them; SQLite keeps its foreign keys (they are part of the table).
        """
        from sqlalchemy import ForeignKeyConstraint
        from sqlalchemy.schema import DropConstraint, DropIndex

        from backend.models import Door, VoteHistory, Voter

        for model, had in ((VoteHistory, self.had_votes), (Voter, self.had_voters),
                           (Door, self.had_doors)):  # fmt: skip
            if had:
                continue
            table = model.__table__
            for fk in table.constraints:
                # SQLite keeps foreign keys in the table's definition: they stay.
                if self.pg and isinstance(fk, ForeignKeyConstraint):
                    self.conn.execute(DropConstraint(fk))
                    self._relaxed.append(fk)
            for index in table.indexes:
                if not index.unique:
                    self.conn.execute(DropIndex(index))
                    self._relaxed.append(index)
        if self._relaxed and self.pg:
            self._exec("SET LOCAL maintenance_work_mem = '256MB'")

    def restore(self) -> None:
        """Build the indexes and foreign keys left out while loading (see above)."""
        from sqlalchemy import ForeignKeyConstraint
        from sqlalchemy.schema import AddConstraint, CreateIndex

        for item in reversed(self._relaxed):
            if isinstance(item, ForeignKeyConstraint):
                self.conn.execute(AddConstraint(item))
            else:
                self.conn.execute(CreateIndex(item))
        if self._relaxed:
            for table in ("doors", "voters", "vote_history"):
                self._exec(f"ANALYZE {table}")
        self._relaxed = []

    def _first_id(self, table: str) -> int:
        """The first id this import may give in ``table``, holding off other writers.

        SQLite: the import's write transaction already excludes every other writer.
        PostgreSQL: the table is locked against writes until commit, and the sequence is
        moved past the ids used in ``finish``.
        """
        if not self.pg:
            return int(self.scalar(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))
        self._exec(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        return int(self.scalar(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"))

    def _exists(self, table: str) -> bool:
        return self.conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None

    def _has_live_turf(self) -> bool:
        sql = (
            "SELECT 1 FROM turf_doors td JOIN turfs t ON t.id = td.turf_id "
            "WHERE td.removed_at IS NULL AND t.deleted_at IS NULL LIMIT 1"
        )
        return self.conn.execute(text(sql)).first() is not None

    def _watched_elections(self) -> set[int]:
        # The filters each turf was cut with, not its universe's current ones: those are
        # what its door list shows (services.turfs._target_voters).
        from backend.models import Turf

        filters = self.conn.execute(
            select(Turf.filters).where(Turf.deleted_at.is_(None))
        ).scalars()
        return {int(e) for f in filters for key in ("voted_in", "not_voted_in")
                for e in (f or {}).get(key, ())}  # fmt: skip

    def _update_doors(self, sql: str, params: dict[str, Any] | None = None, *,
                      moves: bool = False) -> None:
        """Run an UPDATE of doors; while watching, note the doors it changed (and, if it
        ``moves`` them, that they moved)."""
        if not self.watch:
            self._exec(sql, params)
            return
        changed = [tuple(row) for row in self._exec(sql + " RETURNING doors.id", params)]
        self.load("import_changed_doors", changed)
        if moves:
            self.load("import_moved_doors", changed)

    def _exec(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        statement = text(sql)
        if params and "now" in params:
            statement = statement.bindparams(bindparam("now", type_=UTCDateTime))
        return self.conn.execute(statement, params or {})

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        return self._exec(sql, params).scalar()

    def load(self, table: str, rows: Sequence[tuple[Any, ...]],
             columns: Sequence[str] | None = None) -> None:
        if not rows:
            return
        columns = columns or _COLUMNS[table]
        if self.pg:
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with self._dbapi.cursor() as cur, cur.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self._dbapi.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )

    # -- one batch ------------------------------------------------------------------------
    def merge_batch(self, *, voters: list[tuple[Any, ...]], doors: list[tuple[Any, ...]], votes: list[tuple[Any, ...]],
                    precincts: dict[str, str], seen: list[tuple[Any, ...]]) -> None:
        """Merge one batch: precincts, then doors, then voters, then their vote history."""
        new = {c: n for c, n in precincts.items() if c not in self._known_precincts}
        if new:
            self._known_precincts.update(new)
            before = self.scalar("SELECT COUNT(*) FROM precincts")
            self.conn.execute(
                text("INSERT INTO precincts (code, name) VALUES (:code, :name) "
                     "ON CONFLICT (code) DO NOTHING"),
                [{"code": c, "name": n} for c, n in new.items()])  # fmt: skip
            self.precincts_created += self.scalar("SELECT COUNT(*) FROM precincts") - before
            if self.fast:
                rows = self.conn.execute(
                    text("SELECT code, id FROM precincts WHERE code IN :codes").bindparams(
                        bindparam("codes", expanding=True)), {"codes": list(new)})
                self._precinct_ids.update({code: pid for code, pid in rows})
        if self.fast:
            self._first_import_batch(voters, doors, votes)
            return
        self.load("import_batch_voters", [v[:12] for v in voters])
        self.load("import_batch_doors", doors)
        self.load("import_batch_votes", votes)
        self.load("import_seen_voters", seen)
        self.load("import_seen_doors", [(d[0],) for d in doors])
        if self.pg and not self._analysed:
            # The batch tables keep about the same size: their first statistics serve all.
            self._analysed = True
            for table in ("import_batch_voters", "import_batch_doors", "import_batch_votes"):
                self._exec(f"ANALYZE {table}")
        self._merge_doors()
        self._merge_voters()
        if self.election_ids:
            self._merge_votes()
        for table in (
            "import_batch_voters",
            "import_batch_doors",
            "import_batch_votes",
            "import_batch_changes",
        ):
            self._exec(f"DELETE FROM {table}")

    def _first_import_batch(self, voters: list[tuple[Any, ...]], doors: list[tuple[Any, ...]],
                            votes: list[tuple[Any, ...]]) -> None:
        stamp, precinct_ids = self._stamp, self._precinct_ids
        door_base = self._door_next
        door_rows = [
            (door_base + self.doors_created + i, key, building, line, unit, city, state, zip5,
             lat, lon, precinct_ids.get(precinct) if precinct else None,
             "pending" if lat is None else "vendor", "", stamp, stamp)
            for i, (key, building, line, unit, city, state, zip5, lat, lon, precinct)
            in enumerate(doors)
        ]  # fmt: skip
        self.load("doors", door_rows, _DOOR_COLUMNS)
        self.doors_created += len(door_rows)
        first = self._voter_next + self.voters_created
        ids = {}
        voter_rows = []
        for i, v in enumerate(voters):
            ids[v[0]] = first + i
            voter_rows.append((first + i, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
                               v[10], True, self._door_next + v[12], stamp, stamp))
        self.load("voters", voter_rows, _VOTER_COLUMNS)
        self.voters_created += len(voter_rows)
        self.load("vote_history", [(ids[line], e, b) for line, e, b in votes],
                  ("voter_id", "election_id", "ballot"))
        self.votes += len(votes)

    def _merge_doors(self) -> None:
        self.doors_created += self._exec(
            "INSERT INTO doors (address_key, building_key, address_line, unit, city, state, zip, "
            "lat, lon, precinct_id, geocode_status, access_note, created_at, updated_at) "
            "SELECT s.address_key, s.building_key, s.address_line, s.unit, s.city, s.state, "
            "s.zip, s.lat, s.lon, p.id, CASE WHEN s.lat IS NULL THEN 'pending' ELSE 'vendor' END, "
            "'', :now, :now FROM import_batch_doors s "
            "LEFT JOIN precincts p ON p.code = s.precinct_code "
            + ("WHERE NOT EXISTS (SELECT 1 FROM doors d WHERE d.address_key = s.address_key) "
               if self.had_doors else "")
            + "ORDER BY s.address_key",
            {"now": self.now},
        ).rowcount  # fmt: skip
        if not self.had_doors:
            return
        now = {"now": self.now}
        # Newer vendor coordinates win, except a pin an organizer placed by hand.
        self._update_doors(
            "UPDATE doors SET lat = s.lat, lon = s.lon, geocode_status = 'vendor', "
            "geocode_error = NULL, updated_at = :now FROM import_batch_doors s "
            "WHERE s.address_key = doors.address_key AND s.lat IS NOT NULL "
            "AND doors.geocode_status <> 'manual' "
            "AND (doors.lat IS NULL OR doors.lat <> s.lat OR doors.lon <> s.lon)",
            now,
            moves=True,
        )
        # Precincts are redrawn; a door follows the file's precinct code when it has one.
        self._update_doors(
            "UPDATE doors SET precinct_id = p.id, updated_at = :now "
            "FROM import_batch_doors s JOIN precincts p ON p.code = s.precinct_code "
            "WHERE s.address_key = doors.address_key "
            "AND (doors.precinct_id IS NULL OR doors.precinct_id <> p.id)",
            now,
        )

    def _merge_voters(self) -> None:
        """Insert new voters and update changed ones, matched by state id."""
        distinct = "IS DISTINCT FROM" if self.pg else "IS NOT"
        owned = [c for c in _VOTER_FIELDS if c not in ("door_id", "voter_status")]
        differs = " OR ".join(f"v.{c} {distinct} s.{c}" for c in owned)
        # A confirmed move the file leaves at the same door (see _MOVE_CONFIRMED) keeps its
        # status and stays inactive, so neither counts as a change; a new door always does.
        held = _MOVE_CONFIRMED.format(v="v")
        # The new and changed voters first: the merge then costs what the file changes, and the
        # door a moved voter leaves is still on their row (the change feed needs it).
        self._exec(
            "INSERT INTO import_batch_changes (line, voter_id, door_id, left_door_id) "
            "SELECT s.line, v.id, d.id, v.door_id FROM import_batch_voters s "
            "JOIN doors d ON d.address_key = s.address_key "
            "LEFT JOIN voters v ON v.state_id = s.state_id "
            f"WHERE v.id IS NULL OR v.door_id {distinct} d.id OR {differs} OR (NOT {held} "
            f"AND (NOT v.is_active OR v.voter_status {distinct} s.voter_status))"
        )
        created = self.scalar("SELECT COUNT(*) FROM import_batch_changes WHERE voter_id IS NULL")
        cols = ", ".join(_VOTER_FIELDS)
        # On the existing row: a confirmed move the file shows at the same door.
        holds = (f"({_MOVE_CONFIRMED.format(v='voters')} "
                 "AND voters.door_id = excluded.door_id)")  # fmt: skip
        sets = ", ".join(
            f"{c} = CASE WHEN {holds} THEN voters.{c} ELSE excluded.{c} END"
            if c == "voter_status" else f"{c} = excluded.{c}"
            for c in _VOTER_FIELDS
        )
        touched = self._exec(
            f"INSERT INTO voters (state_id, {cols}, is_active, created_at, updated_at) "
            "SELECT s.state_id, s.first_name, s.middle_name, s.last_name, s.suffix, s.birth_year, "
            "s.gender, s.party, s.registered_on, s.voter_status, c.door_id, TRUE, :now, :now "
            "FROM import_batch_changes c JOIN import_batch_voters s ON s.line = c.line "
            "WHERE TRUE ORDER BY s.state_id "
            # import_batch_changes holds only the rows that change (above): no WHERE needed.
            + (f"ON CONFLICT (state_id) DO UPDATE SET {sets}, "
               f"is_active = CASE WHEN {holds} THEN FALSE ELSE TRUE END, "
               "updated_at = excluded.updated_at"
               if self.had_voters else ""),
            {"now": self.now},
        ).rowcount  # fmt: skip
        self.voters_created += created
        self.voters_updated += touched - created
        if self.watch:
            self._exec(
                "INSERT INTO import_changed_doors (door_id, left_door_id) "
                "SELECT door_id, NULLIF(left_door_id, door_id) FROM import_batch_changes"
            )

    def _merge_votes(self) -> None:
        # The batch's votes with voter ids, keyed like vote_history, so both statements below
        # are index lookups rather than scans.
        self._exec(
            "INSERT INTO import_batch_pairs (voter_id, election_id, ballot) "
            "SELECT v.id, sv.election_id, sv.ballot FROM import_batch_votes sv "
            "JOIN import_batch_voters s ON s.line = sv.line "
            "JOIN voters v ON v.state_id = s.state_id")  # fmt: skip
        if self.pg and not self._pairs_analysed:
            self._pairs_analysed = True
            self._exec("ANALYZE import_batch_pairs")
        for election_id in self.watched_elections.intersection(self.election_ids):
            # A voter who gains or loses a vote there may join or leave a turf's door_list.
            self._exec(
                "INSERT INTO import_changed_doors (door_id) SELECT v.door_id "
                "FROM import_batch_voters s JOIN voters v ON v.state_id = s.state_id "
                "WHERE (EXISTS (SELECT 1 FROM import_batch_pairs p WHERE p.voter_id = v.id "
                "AND p.election_id = :election)) <> (EXISTS (SELECT 1 FROM vote_history vh "
                "WHERE vh.voter_id = v.id AND vh.election_id = :election))",
                {"election": election_id})  # fmt: skip
        if self.had_votes and self.election_ids and self.pg:
            # A vote the newer file no longer shows, for an election it lists, was a correction.
            # PostgreSQL gets the batch's voter ids as a keyed table of their own, which makes
            # its plan an index walk over those voters' history (a semi-join here was minutes).
            self._exec("INSERT INTO import_batch_ids (voter_id) SELECT v.id FROM voters v "
                       "JOIN import_batch_voters s ON s.state_id = v.state_id")
            if not self._ids_analysed:
                self._ids_analysed = True
                self._exec("ANALYZE import_batch_ids")
            self.conn.execute(
                text("DELETE FROM vote_history vh USING import_batch_ids b "
                     "WHERE vh.voter_id = b.voter_id AND vh.election_id IN :elections "
                     "AND NOT EXISTS (SELECT 1 FROM import_batch_pairs p "
                     "WHERE p.voter_id = vh.voter_id AND p.election_id = vh.election_id)"
                     ).bindparams(bindparam("elections", expanding=True)),
                {"elections": self.election_ids})  # fmt: skip
            self._exec("DELETE FROM import_batch_ids")
        elif self.had_votes and self.election_ids:
            self.conn.execute(
                text("DELETE FROM vote_history WHERE election_id IN :elections "
                     "AND voter_id IN (SELECT v.id FROM voters v JOIN import_batch_voters s "
                     "ON s.state_id = v.state_id) AND NOT EXISTS (SELECT 1 FROM import_batch_pairs p "
                     "WHERE p.voter_id = vote_history.voter_id "
                     "AND p.election_id = vote_history.election_id)"
                     ).bindparams(bindparam("elections", expanding=True)),
                {"elections": self.election_ids})  # fmt: skip
        self.votes += self._exec(
            "INSERT INTO vote_history (voter_id, election_id, ballot) "
            "SELECT voter_id, election_id, ballot FROM import_batch_pairs WHERE TRUE "
            "ORDER BY voter_id, election_id "
            + ("ON CONFLICT (voter_id, election_id) DO UPDATE SET ballot = excluded.ballot "
               "WHERE vote_history.ballot <> excluded.ballot" if self.had_votes else "")
        ).rowcount
        self._exec("DELETE FROM import_batch_pairs")

    # -- the end --------------------------------------------------------------------------
    def finish(self, late_coordinates: list[tuple[Any, ...]]) -> None:
        """Indexes back, coordinates found late, and shared building locations."""
        if self.fast and self.pg:
            for table, used in (("doors", self.doors_created), ("voters", self.voters_created)):
                if used:
                    self._exec(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT MAX(id) FROM {table}))")
        self.restore()
        if late_coordinates:
            if self.watch:
                self.conn.execute(
                    text("INSERT INTO import_changed_doors (door_id) SELECT id FROM doors "
                         "WHERE address_key = :key AND lat IS NULL"),
                    [{"key": k} for _, _, k in late_coordinates])  # fmt: skip
            self.conn.execute(
                text("UPDATE doors SET lat = :lat, lon = :lon, geocode_status = 'vendor' "
                     "WHERE address_key = :key AND lat IS NULL"),
                [{"lat": la, "lon": lo, "key": k} for la, lo, k in late_coordinates],
            )  # fmt: skip
        if self.had_doors:
            self._share_building_locations()

    def _missing(self) -> str:
        """SQL condition: a voter row the file did not list, and could have (not one added
        from the field)."""
        if self.pg:
            return (f"NOT {_FIELD_ADDED} AND NOT EXISTS (SELECT 1 FROM import_seen_voters s "
                    "WHERE s.state_id = voters.state_id)")  # fmt: skip
        return f"NOT {_FIELD_ADDED} AND state_id NOT IN (SELECT state_id FROM import_seen_voters)"

    def missing_voters(self) -> tuple[int, int]:
        """(active voters the file does not list, active voters before the file)."""
        if not self.had_voters:
            return 0, 0
        if self.pg:
            self._exec("ANALYZE import_seen_voters")
        missing = int(self._exec(
            f"SELECT COUNT(*) FROM voters WHERE is_active AND {self._missing()}").scalar_one())
        return missing, self.active_before

    def inactivate_missing(self) -> int:
        """Mark the voters gone from the file inactive; how many."""
        if not self.had_voters:
            return 0
        inactivate = (f"UPDATE voters SET is_active = FALSE, updated_at = :now "
                      f"WHERE is_active AND {self._missing()}")  # fmt: skip
        if not self.watch:
            return int(self._exec(inactivate, {"now": self.now}).rowcount)
        doors = [
            tuple(row) for row in self._exec(inactivate + " RETURNING door_id", {"now": self.now})
        ]
        self.load("import_changed_doors", doors)
        return len(doors)

    def changed_turfs(self) -> list[int]:
        """Live turfs with a door whose location or voters this import changed, or that a
        moved voter left: the turfs whose door_list a phone must fetch again."""
        if not self.watch:
            return []
        return list(self._exec(
            "SELECT DISTINCT td.turf_id FROM turf_doors td JOIN turfs t ON t.id = td.turf_id "
            "WHERE td.removed_at IS NULL AND t.deleted_at IS NULL AND td.door_id IN "
            "(SELECT door_id FROM import_changed_doors UNION "
            "SELECT left_door_id FROM import_changed_doors WHERE left_door_id IS NOT NULL) "
            "ORDER BY td.turf_id").scalars())  # fmt: skip

    def moved_turf_doors(self) -> tuple[list[int], list[int]]:
        """(live turfs, their doors) whose location this import moved: the outlines to draw
        again, so a turf's outline keeps holding its doors."""
        if not self.watch:
            return [], []
        rows = self._exec(
            "SELECT td.turf_id, td.door_id FROM turf_doors td JOIN turfs t ON t.id = td.turf_id "
            "WHERE td.removed_at IS NULL AND t.deleted_at IS NULL AND td.door_id IN "
            "(SELECT door_id FROM import_moved_doors)").all()  # fmt: skip
        return sorted({r[0] for r in rows}), sorted({r[1] for r in rows})

    def _share_building_locations(self) -> None:
        # A new unit in a building already on the map stands where the building stands.
        self._update_doors(
            "UPDATE doors SET (lat, lon, geocode_status) = (SELECT b.lat, b.lon, b.geocode_status "
            "FROM doors b WHERE b.building_key = doors.building_key AND b.lat IS NOT NULL "
            "ORDER BY b.id LIMIT 1) WHERE doors.lat IS NULL AND doors.geocode_status = 'pending' "
            "AND EXISTS (SELECT 1 FROM doors b WHERE b.building_key = doors.building_key "
            "AND b.lat IS NOT NULL)")  # fmt: skip

    def door_counts(self) -> tuple[int, int]:
        """(doors in the file, of which placed on the map)."""
        if self.fast:  # every door there came from this file
            row = self._exec("SELECT COUNT(*), COUNT(lat) FROM doors").one()
            return row[0], row[1]
        row = self._exec(
            "SELECT COUNT(*), COUNT(d.lat) FROM doors d WHERE d.address_key IN "
            "(SELECT address_key FROM import_seen_doors)").one()  # fmt: skip
        return row[0], row[1]

    def drop(self) -> None:
        if not self.pg:  # PostgreSQL drops them at commit
            for name in _STAGE_TABLES:
                self._exec(f"DROP TABLE IF EXISTS temp.{name}")
            self._exec("PRAGMA cache_size = -2000")

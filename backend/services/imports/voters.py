"""``import_voters``: a voter file into voters, doors, precincts, elections and vote history.

The whole import is one transaction owned by the caller: the file is read and checked into
staging tables first, and only a file without problems (or with ``skip_invalid``) is merged.
Voters are matched by state id, so a newer file moves voters to their new doors, marks those
gone from the file inactive, and never deletes a voter, a door or anything recorded about them.
Each turf whose doors or voters a re-import changed goes to the change feed (``turf_updated``),
so phones holding it fetch its door_list again.
"""

from __future__ import annotations

import csv
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import ImportFileError
from backend.models import Door, Election, User
from backend.services.access import require_organizer
from backend.services.changes import record_changes
from backend.services.imports.formats import Profile, mapping_profile
from backend.services.imports.precincts import assign_precincts_by_polygon
from backend.services.imports.reader import (
    BATCH_ROWS,
    Batch,
    FileReport,
    Problem,
    open_profile,
    read_voter_file,
)
from backend.services.imports.store import Stage
from backend.services.outlines import refresh_outlines

__all__ = ["SHOWN_PROBLEMS", "ImportSummary", "import_voters"]

#: Problems listed on screen (and in the error); the rejects file has them all.
SHOWN_PROBLEMS = 100
# A re-import may mark up to this share of the active voters inactive unasked (a monthly list
# drops a few percent), or up to MISSING_FLOOR voters, whatever the share (a small list).
MAX_INACTIVATED = 0.10
MISSING_FLOOR = 100


@dataclass
class ImportSummary:
    path: str
    format: str
    rows_read: int = 0
    voters_created: int = 0
    voters_updated: int = 0
    voters_inactivated: int = 0
    voters_missing_kept: int = 0  # with keep_missing: active voters the file did not list
    doors_in_file: int = 0
    doors_created: int = 0
    doors_with_coordinates: int = 0
    doors_to_geocode: int = 0
    precincts_created: int = 0
    doors_placed_in_precincts: int = 0
    elections: int = 0
    votes: int = 0
    turfs_updated: int = 0
    rejected: int = 0
    skipped: int = 0
    rejects_path: str | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    # Where the time went, in seconds: reading (this thread), merging (writer thread, in
    # parallel), waiting for the writer, and the final steps.
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("problems", "timings")}


class _Rejects:
    """Every rejected or skipped row, streamed to a CSV file; the first few kept for display."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.shown: list[Problem] = []
        self.rejected = 0
        self.skipped = 0
        self._file: Any = None
        self._writer: Any = None

    def __call__(self, problem: Problem) -> None:
        if problem.kind == "skipped":
            self.skipped += 1
        else:
            self.rejected += 1
            if len(self.shown) < SHOWN_PROBLEMS:
                self.shown.append(problem)
        if self._writer is None:
            self._file = open(self.path, "w", newline="", encoding="utf-8")  # noqa: SIM115
            self._writer = csv.writer(self._file)
            self._writer.writerow(["file", "line", "field", "message", "kind"])
        self._writer.writerow([problem.file, problem.line, problem.field, problem.message,
                               problem.kind])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def import_voters(
    session: Session,
    path: str | Path,
    actor: User | None,
    *,
    fmt: str = "auto",
    mapping: str | Path | None = None,
    encoding: str | None = None,
    skip_invalid: bool = False,
    rejects_path: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_rows: int = BATCH_ROWS,
    keep_missing: bool = False,
    max_inactivated: float = MAX_INACTIVATED,
) -> ImportSummary:
    """Import the voter file at ``path``; flushes, the caller commits.

    ``actor`` is an organizer, or None for the command line (whoever runs it owns the
    server). Raises ``ImportFileError`` listing ``{file, line, field, message}`` when the file
    has problems and ``skip_invalid`` is false; nothing is stored then. ``progress`` is called
    with (bytes read, file size) as the file streams in.

    A re-import marks the active voters the file does not list inactive, unless
    ``keep_missing`` (a file of additions and changes only). It refuses, storing nothing, when
    that would be more than ``max_inactivated`` (a share) of the active voters and more than
    ``MISSING_FLOOR`` of them: a partial or wrong file must not empty every door list.
    """
    if actor is not None:
        require_organizer(actor)
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file",
                              errors=[{"file": str(path), "line": 0, "field": "",
                                       "message": "no such file"}])  # fmt: skip
    profile: Profile = open_profile(path, fmt, mapping_profile(mapping) if mapping else None,
                                    encoding)
    rejects = _Rejects(Path(rejects_path) if rejects_path else path.with_name(path.name + ".rejects.csv"))
    report = FileReport(str(path), profile)
    summary = ImportSummary(str(path), profile.name)
    stage = Stage(session)
    late: list[tuple[Any, ...]] = []
    election_ids: dict[int, int] = {}
    # Reading (Python) and merging (the database, which releases the GIL) overlap: a writer
    # thread merges batch N while this thread reads batch N+1. The session is used by one
    # thread at a time: only the writer until it has finished.
    writer = _Writer(stage, merge=lambda: skip_invalid or not report.problems)
    try:
        started = time.perf_counter()
        # Doors with a unit, so the file's other spellings of a unit find them.
        stored_units = session.execute(
            select(Door.address_key, Door.building_key, Door.unit)
            .where(Door.unit != "").order_by(Door.id)
        ).all() if stage.had_doors else ()
        batches = read_voter_file(path, profile, report, rejects, batch_rows=batch_rows,
                                  stored_units=stored_units)
        for batch in batches:
            writer.check()
            if not election_ids and report.elections:
                writer.wait()
                election_ids = _ensure_elections(session, report)
                stage.election_ids = list(election_ids.values())
            late.extend(batch.late_coordinates)
            writer.put(batch, [(line, election_ids[i], b) for line, i, b in batch.votes])
            if progress is not None:
                progress(batch.bytes_read, report.total_bytes)
        read_done = time.perf_counter()
        writer.finish()
        summary.timings.update(read=read_done - started - writer.blocked,
                               blocked_on_writer=writer.blocked, merge=writer.busy,
                               drain=time.perf_counter() - read_done)
    finally:
        writer.stop()
        rejects.close()
    summary.rows_read = report.rows
    summary.rejected = report.problems
    summary.skipped = rejects.skipped
    if rejects.rejected or rejects.skipped:
        summary.rejects_path = str(rejects.path)
    summary.problems = [p.as_dict() for p in rejects.shown]
    if rejects.rejected and not skip_invalid:
        error = ImportFileError(
            f"{path}: {rejects.rejected} problem(s) in {summary.rejected} row(s); nothing was "
            f"imported. All are listed in {rejects.path}; fix them, or pass --skip-invalid to "
            "import the valid rows only.",
            errors=summary.problems,
        )
        error.total = rejects.rejected  # type: ignore[attr-defined]  # more than listed
        raise error
    final = time.perf_counter()
    stage.finish(late)
    missing, active = stage.missing_voters()
    if keep_missing:
        summary.voters_missing_kept = missing
    else:
        if missing > MISSING_FLOOR and missing > max_inactivated * active:
            raise _too_many_missing(path, missing, active, max_inactivated)
        summary.voters_inactivated = stage.inactivate_missing()
    summary.elections = len(election_ids)
    summary.precincts_created = stage.precincts_created
    summary.doors_created = stage.doors_created
    summary.voters_created, summary.voters_updated = stage.voters_created, stage.voters_updated
    summary.votes = stage.votes
    summary.doors_in_file, summary.doors_with_coordinates = stage.door_counts()
    summary.doors_to_geocode = summary.doors_in_file - summary.doors_with_coordinates
    summary.doors_placed_in_precincts = assign_precincts_by_polygon(session)
    # Last, so the change feed's lock is held only until the commit (services/changes.py).
    turf_ids = stage.changed_turfs()
    moved_turfs, moved_doors = stage.moved_turf_doors()
    if moved_turfs:
        refresh_outlines(session, moved_turfs, added_door_ids=moved_doors)
    if turf_ids:
        from backend.services.turfs import refresh_voter_counts

        refresh_voter_counts(session, turf_ids)
    record_changes(
        session,
        [
            {"kind": "turf_updated", "turf_id": turf_id, "payload": {"turf_id": turf_id}}
            for turf_id in turf_ids
        ],
    )
    summary.turfs_updated = len(turf_ids)
    stage.drop()
    session.flush()
    summary.timings["finish"] = time.perf_counter() - final
    return summary


def _too_many_missing(path: Path, missing: int, active: int, limit: float) -> ImportFileError:
    share = missing / max(active, 1)
    message = (
        f"{path} does not list {missing:,} of the {active:,} active voters ({share:.0%}); "
        f"importing it would mark them inactive, more than the {limit:.0%} an import may "
        "without being told, and empty their doors' lists. Nothing was imported. A file of "
        "new and changed voters only: import it with --keep-missing. A whole new list that "
        f"really drops them: pass --max-inactivated {math.ceil(share * 100)}."
    )
    return ImportFileError(message, errors=[{"file": str(path), "line": 0, "field": "",
                                             "message": "too many active voters missing"}])  # fmt: skip


class _Writer:
    """Merges batches on a thread of its own; errors come back to the reading thread."""

    def __init__(self, stage: Stage, merge: Callable[[], bool]) -> None:
        self.stage = stage
        self.merge = merge
        self.queue: queue.Queue[tuple[Batch, list[tuple[Any, ...]]] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.busy = self.blocked = 0.0
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            started = time.perf_counter()
            try:
                if item is not None and self.error is None and self.merge():
                    batch, votes = item
                    self.stage.merge_batch(
                        voters=batch.voters, doors=batch.doors, votes=votes,
                        precincts=batch.precincts,
                        seen=[(v[1],) for v in batch.voters] + [(s,) for s in batch.rejected_ids])
            except BaseException as exc:  # noqa: BLE001 (handed to the reading thread)
                self.error = exc
            finally:
                self.busy += time.perf_counter() - started
                self.queue.task_done()
            if item is None:
                return

    def put(self, batch: Batch, votes: list[tuple[Any, ...]]) -> None:
        started = time.perf_counter()
        self.queue.put((batch, votes))
        self.blocked += time.perf_counter() - started

    def wait(self) -> None:
        """Until every batch handed over is merged; then the session is free."""
        self.queue.join()
        self.check()

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.check()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()


def _ensure_elections(session: Session, report: FileReport) -> dict[int, int]:
    """Election rows for the file's history columns: column index -> election id."""
    ids: dict[int, int] = {}
    for e in report.elections:
        election = session.execute(
            select(Election).where(Election.election_on == e.election_on, Election.kind == e.kind)
        ).scalar_one_or_none()
        if election is None:
            election = Election(election_on=e.election_on, kind=e.kind,
                                name=f"{e.kind.title()} {e.election_on.isoformat()}")
            session.add(election)
            session.flush()
        ids[e.index] = election.id
    return ids

"""``canvass import-voters``, ``import-geocodes``, ``export-census-batch`` and ``geocode-doors``.

Thin edges: parse options, call the service, commit or roll back, print the summary. The
voter import commits once at the end, so an interrupted import (Ctrl-C, a killed process)
leaves the database as it was. Geocoding commits after each small batch, so an interrupted
run keeps what it found and the next one carries on.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from backend.extensions import db

__all__ = ["export_census_batch_command", "geocode_doors_command", "import_geocodes_command",
           "import_voters_command"]  # fmt: skip


def _show_problems(errors: list[dict], total: int, rejects: str | None) -> None:
    for e in errors:
        where = f"{e['file']}:{e['line']}" + (f" [{e['field']}]" if e.get("field") else "")
        click.echo(f"  {where}: {e['message']}", err=True)
    if total > len(errors):
        click.echo(f"  ... and {total - len(errors)} more", err=True)
    if rejects:
        click.echo(f"All problems are listed in {rejects}", err=True)


class _Progress:
    """A progress bar on a terminal; silent when output goes to a file or a pipe."""

    def __init__(self, label: str) -> None:
        self.bar = None
        self.label = label
        self.done = 0
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr,
                                         show_pos=False, show_percent=True, show_eta=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _geocoder() -> Any:
    """The configured geocoder, or a one-line error naming the setting that is wrong."""
    from backend.errors import ConfigError
    from backend.services.geocoding import make_geocoder

    try:
        return make_geocoder(current_app.config)
    except ConfigError as exc:
        raise click.ClickException(exc.message) from None


def _geocode(label: str = "Geocoding", *, limit: int | None = None,
             geocoder: Any = None) -> tuple[int, int, int]:
    """Geocode pending doors batch by batch, committing each: (doors placed, failed, cache hits)."""
    from backend.services.geocoding import geocode_pending_doors
    from backend.services.imports.precincts import assign_precincts_by_polygon

    geocoder = geocoder if geocoder is not None else _geocoder()
    placed = failed = hits = done = 0
    show = sys.stderr.isatty()
    while limit is None or done < limit:
        batch = 25 if limit is None else min(25, limit - done)
        result = geocode_pending_doors(db.session, geocoder, limit=batch)
        if result.buildings == 0:
            break
        assign_precincts_by_polygon(db.session)
        db.session.commit()
        done += result.buildings
        placed += result.doors_geocoded
        failed += result.doors_failed
        hits += result.cache_hits
        for f in result.failures[:5]:
            click.echo(f"  not geocoded: {f['address']}: {f['error']}", err=True)
        if show:
            click.echo(f"{label}: {done} buildings, {placed} doors placed, {failed} failed",
                       err=True)
    return placed, failed, hits


@click.command("import-voters")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", "ohio", "nc", "florida", "csv"]),
              default="auto", show_default=True, help="Layout; auto detects it from the header.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON file naming the columns of a generic CSV (see docs/importing.md).")
@click.option("--encoding", default=None, help="Text encoding, when not the layout's usual one.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid rows and list the others in the rejects file.")
@click.option("--rejects", "rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write rejected and skipped rows [default: PATH.rejects.csv].")
@click.option("--geocode/--no-geocode", default=False, show_default=True,
              help="Geocode doors without coordinates with the configured provider afterwards.")
@click.option("--keep-missing", is_flag=True,
              help="The file holds new and changed voters only: leave the voters it does not "
                   "list as they are instead of marking them inactive.")
@click.option("--max-inactivated", type=click.FloatRange(0, 100), default=10, show_default=True,
              metavar="PERCENT",
              help="Refuse the file (storing nothing) if it would mark more than this share of "
                   "the active voters (and more than 100) inactive.")
@with_appcontext
def import_voters_command(path: Path, fmt: str, mapping: Path | None, encoding: str | None,
                          skip_invalid: bool, rejects: Path | None, geocode: bool,
                          keep_missing: bool, max_inactivated: float) -> None:
    """Import the voter file PATH: Ohio, North Carolina, Florida or a mapped CSV.

    A newer file replaces the list: voters it no longer lists are marked inactive (never
    deleted), unless --keep-missing.
    """
    from backend.errors import CanvassError, ImportFileError
    from backend.services.imports import import_voters

    geocoder = _geocoder() if geocode else None  # a wrong setting stops before the import
    progress = _Progress(f"Reading {path.name}")
    try:
        summary = import_voters(db.session, path, None, fmt=fmt, mapping=mapping,
                                encoding=encoding, skip_invalid=skip_invalid,
                                rejects_path=rejects, progress=progress,
                                keep_missing=keep_missing,
                                max_inactivated=max_inactivated / 100)  # fmt: skip
        progress.close()
        db.session.commit()
    except ImportFileError as exc:
        progress.close()
        db.session.rollback()
        click.echo(f"Error: {exc.message}", err=True)
        errors = exc.errors or []
        _show_problems(errors, getattr(exc, "total", len(errors)), None)
        sys.exit(1)
    except CanvassError as exc:
        progress.close()
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    except BaseException:
        progress.close()
        db.session.rollback()
        raise
    s = summary
    if s.rejected:
        click.echo(f"{s.rejected} row(s) rejected and left out:", err=True)
        _show_problems(s.problems, s.rejected, s.rejects_path)
    if s.skipped:
        click.echo(f"{s.skipped} row(s) skipped on purpose (see {s.rejects_path})", err=True)
    geocoded = failed = 0
    if geocode and s.doors_to_geocode:
        geocoded, failed, _ = _geocode(geocoder=geocoder)
    lines = [
        f"Imported {path} ({s.format} layout)",
        f"  rows read            {s.rows_read}",
        f"  voters created       {s.voters_created}",
        f"  voters updated       {s.voters_updated}",
        f"  voters inactivated   {s.voters_inactivated}",
        *([f"  not in file, kept    {s.voters_missing_kept}"] if keep_missing else []),
        f"  rejected / skipped   {s.rejected} / {s.skipped}",
        f"  doors in file        {s.doors_in_file} ({s.doors_created} new)",
        f"  doors with location  {s.doors_with_coordinates + geocoded}",
        f"  geocoded             {geocoded}",
        f"  geocoding failed     {failed}",
        f"  precincts created    {s.precincts_created}",
        f"  elections / votes    {s.elections} / {s.votes}",
        f"  turfs updated        {s.turfs_updated}",
    ]
    click.echo("\n".join(lines))
    waiting = s.doors_to_geocode - geocoded - failed
    if waiting > 0:
        click.echo(f"{waiting} door(s) still need coordinates: run `canvass geocode-doors`, or "
                   "`canvass export-census-batch` and then `canvass import-geocodes`.")


@click.command("import-geocodes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Store the valid rows, list the others.")
@with_appcontext
def import_geocodes_command(path: Path, skip_invalid: bool) -> None:
    """Import the US Census batch geocoder's result file PATH (GeocodeResults.csv)."""
    from backend.errors import ImportFileError
    from backend.services.geocoding import import_census_results
    from backend.services.imports.precincts import assign_precincts_by_polygon

    try:
        s = import_census_results(db.session, path, skip_invalid=skip_invalid)
        assign_precincts_by_polygon(db.session)
        db.session.commit()
    except ImportFileError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc.message}", err=True)
        _show_problems(exc.errors or [], len(exc.errors or []), None)
        sys.exit(1)
    except BaseException:
        db.session.rollback()
        raise
    if s.problems:
        click.echo(f"{len(s.problems)} row(s) left out:", err=True)
        _show_problems(s.problems[:100], len(s.problems), None)
    click.echo(f"Read {s.rows} rows: {s.matched} matched, {s.unmatched} not matched; "
               f"{s.doors_geocoded} door(s) placed, {s.doors_failed} recorded as failed.")


@click.command("export-census-batch")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_census_batch_command(path: Path) -> None:
    """Write doors without coordinates as US Census batch geocoder input (10,000 per file)."""
    from backend.services.geocoding import export_census_batch

    files = export_census_batch(db.session, path)
    db.session.rollback()
    if not files:
        click.echo("Every door has coordinates; nothing to export.")
    for f in files:
        click.echo(f"Wrote {f}")


@click.command("geocode-doors")
@click.option("--retry-failed", is_flag=True, help="Try the doors that failed before again.")
@click.option("--limit", type=int, default=None, help="Stop after this many buildings.")
@with_appcontext
def geocode_doors_command(retry_failed: bool, limit: int | None) -> None:
    """Geocode doors without coordinates with the configured provider (CANVASS_GEOCODER)."""
    from backend.services.geocoding import retry_failed_doors

    geocoder = _geocoder()  # a wrong setting stops here, before the failed doors are queued
    if retry_failed:
        retry_failed_doors(db.session)
        db.session.commit()
    placed, failed, hits = _geocode(limit=limit, geocoder=geocoder)
    click.echo(f"Geocoded {placed} door(s), {failed} failed, {hits} answer(s) from the cache.")

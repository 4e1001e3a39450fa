"""The ``canvass`` command (Flask's CLI, so ``flask --app backend ...`` works as well)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from backend.extensions import db
from backend.models.users import ROLES


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(redraw_outlines_command)
    from backend.worker import jobs_command

    app.cli.add_command(jobs_command)
    from backend import cli_imports

    for command in (cli_imports.import_voters_command, cli_imports.import_geocodes_command,
                    cli_imports.export_census_batch_command, cli_imports.geocode_doors_command):
        app.cli.add_command(command)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="canvasser", show_default=True)
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Password (asked for if not given).")
@with_appcontext
def create_user_command(email: str, role: str, name: str, password: str) -> None:
    """Create a user who can log in with EMAIL and a password."""
    from backend.errors import CanvassError
    from backend.services.auth import create_user

    try:
        user = create_user(db.session, email, password, role=role, name=name)
        db.session.commit()
    except CanvassError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("demo")
@click.option("--voters", default=5000, show_default=True, help="Size of the demo county.")
@click.option("--seed", default=0, show_default=True, help="Seed of the county generator.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--serve/--no-serve", default=True, help="Serve the app after loading.")
@with_appcontext
def demo_command(voters: int, seed: int, host: str, port: int, serve: bool) -> None:
    """Create the demo county if the database is empty, then serve the app."""
    from flask import current_app
    from flask_migrate import upgrade

    from backend.services.demo import DEMO_CANVASSER, DEMO_ORGANIZER, load_demo, prepare_demo_turfs

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["CANVASS_ENV"] == "production":
        raise click.ClickException("'canvass demo' loads made-up voters: not in production.")
    upgrade()
    click.echo(f"Database: {app.config['SQLALCHEMY_DATABASE_URI']}")
    summary = load_demo(db.session, voters=voters, seed=seed)
    if summary.created:
        db.session.commit()
        click.echo(f"Loaded the demo county: {summary.voters} voters at {summary.doors} doors "
                   f"in {summary.precincts} precincts.")
        turfs = prepare_demo_turfs(db.session)
        db.session.commit()
        if turfs:
            click.echo(f"Cut {turfs} demo turfs; two are assigned to the demo canvasser.")
    else:
        click.echo("The database already has data: serving it as it is.")
    url = f"http://{host}:{port}/"
    click.echo("")
    click.echo(f"  Canvass is running at {url}")
    click.echo(f"  Organizer console: {url}console   login {DEMO_ORGANIZER[0]} / {DEMO_ORGANIZER[1]}")
    click.echo(f"  Volunteer app:     {url}          login {DEMO_CANVASSER[0]} / {DEMO_CANVASSER[1]}")
    click.echo("")
    if serve:
        from werkzeug.serving import run_simple

        run_simple(host, port, app, threaded=True, use_reloader=False)


@click.command("redraw-outlines")
@with_appcontext
def redraw_outlines_command() -> None:
    """Draw every live turf's outline again, so that none overlaps another.

    Outlines drawn before an edit redrew its neighbours' (databases from before migration
    0004) can overlap: run this once after upgrading. A turf whose outline moves gets a new
    updated_at and a turf_updated change, so phones and the console fetch it again.
    """
    from sqlalchemy import select

    from backend.models import Turf, TurfDoor
    from backend.services.outlines import refresh_outlines

    doors = list(db.session.scalars(
        select(TurfDoor.door_id).join(Turf, Turf.id == TurfDoor.turf_id)
        .where(TurfDoor.removed_at.is_(None), Turf.deleted_at.is_(None))))  # fmt: skip
    # Every live door counts as having just joined: each turf next to one (all of them) is
    # drawn again, and only those whose outline moved are announced.
    moved = refresh_outlines(db.session, (), added_door_ids=doors)
    db.session.commit()
    click.echo(f"Drew the outlines of the turfs of {len(doors)} doors again; {len(moved)} "
               f"turf(s) changed.")


def _create_app():  # FlaskGroup calls this with no arguments
    from backend import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """Canvass: voter files, turfs, offline canvassing and contact history."""

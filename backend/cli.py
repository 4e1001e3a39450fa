"""The ``canvass`` command (Flask's CLI, so ``flask --app backend ...`` works as well)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from backend.extensions import db
from backend.models.users import ROLES


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)


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


def _create_app():  # FlaskGroup calls this with no arguments
    from backend import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """Canvass: voter files, turfs, offline canvassing and contact history."""

"""The `triage` command: run the whole system, manage the database, train the model."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, shell_command, with_appcontext
from flask_migrate import upgrade as migrate_upgrade
from flask_migrate.cli import db as migrate_db

from inquiries import create_app


def _progress(message: str) -> None:
    click.echo(f"[triage] {message}", err=True)


def prepare_database() -> None:
    """Create or upgrade the schema, then load objectives and services from config/."""
    from inquiries.catalogue import load_catalogue

    migrate_upgrade()
    objectives, services = load_catalogue()
    _progress(f"database ready ({objectives} objectives and {services} services added)")


def prepare_model() -> None:
    from classifier.training import live_or_train

    model = live_or_train(Path(current_app.config["MODEL_DIR"]), progress=_progress)
    _progress(f"live model {model.card.version}")


main = FlaskGroup(
    create_app=create_app,
    add_default_commands=False,
    help="The federal AI contact point: intake, classification, routing, triage.",
)
main.add_command(shell_command)

# Flask-Migrate's own group (its callback sets the migrations directory), with `upgrade` replaced
# by one that also loads the reference data, as DESIGN.md promises for `triage db upgrade`.
db_group = click.Group(
    "db",
    callback=migrate_db.callback,
    params=migrate_db.params,
    help="Database schema (Alembic) and reference data.",
)
for name, command in migrate_db.commands.items():
    if name != "upgrade":
        db_group.add_command(command)


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create or upgrade the schema and load the objectives and services."""
    prepare_database()


main.add_command(db_group)


@main.command("train")
@click.option("--candidate", is_flag=True, help="Save the new version without making it live.")
@with_appcontext
def train_command(candidate: bool) -> None:
    """Train a new model version from the corpus."""
    from classifier.training import train

    model = train(
        Path(current_app.config["MODEL_DIR"]), make_live=not candidate, progress=_progress
    )
    click.echo(model.card.version)


@main.command("prepare")
@with_appcontext
def prepare_command() -> None:
    """Create or upgrade the database and train the first model if there is none."""
    prepare_database()
    prepare_model()


@main.command("run")
@with_appcontext
def run_command() -> None:
    """Run web, worker, beat and (without MAIL_SERVER) the local mail sink, until Ctrl-C."""
    from inquiries.runner import run_all

    prepare_database()
    prepare_model()
    raise SystemExit(run_all(current_app.config))

"""The `triage` command: run the whole system, manage the database, train the model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click
from flask import current_app
from flask.cli import FlaskGroup, shell_command, with_appcontext
from flask_migrate import upgrade as migrate_upgrade
from flask_migrate.cli import db as migrate_db

from classifier.progress import StepBar
from config.settings import LANGUAGES
from inquiries import create_app
from inquiries.queue import SHOW_ALL, SHOW_CHOICES


def _say(message: str) -> None:
    click.echo(f"[triage] {message}", err=True)


def prepare_database() -> None:
    """Create or upgrade the schema, then load objectives and services from config/."""
    from inquiries.catalogue import load_catalogue

    migrate_upgrade()
    objectives, services = load_catalogue()
    _say(f"database ready ({objectives} objectives and {services} services added)")


def prepare_model() -> None:
    from classifier.training import live_or_train
    from inquiries.model_registry import sync_live

    model = live_or_train(Path(current_app.config["MODEL_DIR"]), progress=StepBar("Training"))
    sync_live()
    _say(f"live model {model.card.version}")


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
        Path(current_app.config["MODEL_DIR"]), make_live=not candidate, progress=StepBar("Training")
    )
    click.echo(model.card.version)


@main.command("retrain")
@click.option(
    "--promote-if-no-worse",
    is_flag=True,
    default=None,
    help="Promote the candidate when it is no worse than the live model on the "
    "held-out split (default: MODEL_AUTO_PROMOTE).",
)
@with_appcontext
def retrain_command(promote_if_no_worse: bool | None) -> None:
    """Train a candidate on the corpus plus staff labels and compare it with the live model."""
    from inquiries.model_registry import retrain

    auto = (
        current_app.config["MODEL_AUTO_PROMOTE"]
        if promote_if_no_worse is None
        else promote_if_no_worse
    )
    result = retrain(auto_promote=auto, progress=StepBar("Retraining"))
    rows = result["comparison"]
    click.echo(f"{'':28}{'live':>12}{'candidate':>12}")
    for key in rows["live"]:
        click.echo(f"{key:28}{rows['live'][key]!s:>12}{rows['candidate'][key]!s:>12}")
    click.echo(
        f"candidate {result['candidate']}: "
        + ("promoted" if result["promoted"] else "not promoted")
    )


@main.command("models")
@with_appcontext
def models_command() -> None:
    """List the model versions, their held-out metrics, and which one is live."""
    from sqlalchemy import select

    from inquiries.extensions import db
    from inquiries.model_registry import sync_live
    from inquiries.models import ModelVersion

    sync_live()
    for row in db.session.scalars(select(ModelVersion).order_by(ModelVersion.created_at)):
        metrics = row.metrics or {}
        click.echo(
            f"{'*' if row.is_live else ' '} {row.version}  {row.design:22} "
            f"macro-F1 {metrics.get('macro_f1')}  route precision "
            f"{metrics.get('auto_route_precision')} at coverage "
            f"{metrics.get('auto_route_coverage')}  staff labels {row.staff_labels}"
        )


@main.command("promote")
@click.argument("version")
@click.option("--by", "actor", required=True, help="Who decides (recorded), e.g. an email.")
@with_appcontext
def promote_command(version: str, actor: str) -> None:
    """Make a model version live."""
    from inquiries.model_registry import promote

    promote(version, actor=f"admin:{actor}")
    click.echo(f"{version} is live")


@main.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["admin", "triager"]),
    default="triager",
    show_default=True,
    help="admin: everything, including accounts, routing and models; triager: the queue.",
)
@click.option("--name", default="", help="The name colleagues see.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (else it is asked for).",
)
@with_appcontext
def create_user_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Make a staff account, for example the first admin."""
    from inquiries import accounts
    from inquiries.extensions import db

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, password, role, name)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{user.email} can sign in as {user.role} at /staff/login")


@main.command("purge")
@with_appcontext
def purge_command() -> None:
    """Anonymise finished inquiries older than RETENTION_MONTHS now (beat does it on its own)."""
    from inquiries import privacy

    due = privacy.expired()
    with click.progressbar(length=len(due), label="Anonymising", file=sys.stderr) as bar:
        done = privacy.purge(due, progress=bar.update)
    click.echo(f"{done} inquiries anonymised")


@main.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def import_command(file: TextIO) -> None:
    """Submit inquiries received another way: a JSONL FILE ('-' for stdin), one object per line
    with the API's fields. Nothing is stored unless every line is valid; lines imported before
    are skipped."""
    from flask_babel import force_locale

    from inquiries import bulk_import

    with force_locale("en"):
        inquiries, problems = bulk_import.check_lines(file)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} invalid lines: nothing was imported")
    with click.progressbar(length=len(inquiries), label="Importing", file=sys.stderr) as bar:
        imported, skipped = bulk_import.import_inquiries(
            inquiries, current_app.config["BABEL_DEFAULT_LOCALE"], progress=bar.update
        )
    click.echo(f"{imported} inquiries imported, {skipped} skipped (imported before)")


@main.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8", lazy=True))
@click.option(
    "--show",
    type=click.Choice(SHOW_CHOICES),
    default=SHOW_ALL,
    show_default=True,
    help="Which inquiries: all, those waiting for staff, a queue bucket or a status.",
)
@click.option("--objective", type=click.IntRange(0, 9), help="Only this objective.")
@click.option("--language", type=click.Choice(LANGUAGES), help="Only this language.")
@click.option("--search", default="", help="Only inquiries whose text or sender matches.")
@with_appcontext
def export_command(
    file: TextIO, show: str, objective: int | None, language: str | None, search: str
) -> None:
    """Write inquiries to FILE ('-' for stdout) as CSV, with the columns of the triage queue's
    download, oldest first."""
    from sqlalchemy import func, select

    from inquiries import queue
    from inquiries.export import csv_lines, objectives_by_code
    from inquiries.extensions import db

    chosen = queue.QueueFilter(show=show, objective=objective, language=language, search=search)
    query = queue.filtered(chosen, user_id=0)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    lines = csv_lines(query, objectives_by_code(), current_app.config["BABEL_DEFAULT_LOCALE"])
    with click.progressbar(length=total or 0, label="Exporting", file=sys.stderr) as bar:
        file.write(next(lines))
        for line in lines:
            file.write(line)
            bar.update(1)
    click.echo(f"{total} inquiries exported", err=True)


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

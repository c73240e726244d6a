"""Alembic environment: the application's engine and metadata, run inside the Flask app context."""

import logging
from typing import Any

from alembic import context
from flask import current_app

from inquiries.models.types import UTCDateTime

log = logging.getLogger("alembic.env")
database = current_app.extensions["migrate"].db


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our UTC column type as the plain SQL type it stores, so migrations import nothing."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Indexes made only on PostgreSQL (trigram search) are not missing elsewhere."""
    if type_ == "index" and name and name.endswith("_trgm"):
        return database.engine.dialect.name == "postgresql"
    return True


def skip_empty_revisions(ctx: Any, revision: Any, directives: list[Any]) -> None:
    if (
        getattr(context.config.cmd_opts, "autogenerate", False)
        and directives[0].upgrade_ops.is_empty()
    ):
        directives[:] = []
        log.info("No changes in schema detected.")


def run_offline() -> None:
    context.configure(
        url=database.engine.url.render_as_string(hide_password=False),
        target_metadata=database.metadata,
        literal_binds=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", skip_empty_revisions)
    with database.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=database.metadata,
            render_item=render_item,
            include_object=include_object,
            **options,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()

"""Inserting a row and the rows that refer to it, all or nothing, in as few round trips as the
database allows.

Intake stores four rows per inquiry and takes bursts; on this kind of machine each round trip
to the database costs more CPU than the statement itself (docs/benchmarks.md). On PostgreSQL
the first row's id is drawn from its sequence, then one statement inserts every row (one
data-modifying CTE per row) without a transaction around it, since one statement is atomic:
two round trips instead of seven. Elsewhere (SQLite, the embedded default) the rows are
inserted one by one in the session's transaction, which the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, Table, bindparam, func, insert, select, true

from inquiries.extensions import db

Row = tuple[Table, dict[str, Any]]


def insert_together(first: Row, rest_for: Callable[[int], Sequence[Row]]) -> list[int]:
    """Insert `first`, then the rows `rest_for(its id)` returns; the ids of all, in order.

    On PostgreSQL they are stored when this returns; elsewhere when the session commits.
    """
    if db.engine.dialect.name == "postgresql":
        return _in_one_statement(first, rest_for)
    connection = db.session.connection()
    table, values = first
    first_id = connection.execute(insert(table).returning(table.c.id), values).scalar_one()
    return [
        first_id,
        *(
            connection.execute(insert(table).returning(table.c.id), values).scalar_one()
            for table, values in rest_for(first_id)
        ),
    ]


def _in_one_statement(first: Row, rest_for: Callable[[int], Sequence[Row]]) -> list[int]:
    table, values = first
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        first_id = connection.execute(_next_id(table)).scalar_one()
        rows = [(table, values | {"id": first_id}), *rest_for(first_id)]
        complete = [(table, _complete(table, values)) for table, values in rows]
        statement = _statement(tuple((table, tuple(values)) for table, values in complete))
        parameters = {
            f"r{number}_{name}": value
            for number, (_, values) in enumerate(complete)
            for name, value in values.items()
        }
        return list(connection.execute(statement, parameters).one())


@cache
def _next_id(table: Table) -> Select:
    return select(func.nextval(func.pg_get_serial_sequence(table.name, "id")))


def _complete(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """Every column the row sets, else its Python default (Core leaves those out of a CTE)."""
    complete = {}
    for column in table.columns:
        if column.name in values:
            complete[column.name] = values[column.name]
        elif column.default is not None and not column.primary_key:
            default = column.default
            complete[column.name] = default.arg if default.is_scalar else default.arg(None)
    return complete


@cache
def _statement(shape: tuple[tuple[Table, tuple[str, ...]], ...]) -> Select:
    """WITH r0 AS (INSERT ... RETURNING id), r1 AS (...) SELECT r0.id, r1.id, ...; built once
    per shape of rows, so SQLAlchemy's compiled cache serves every later inquiry."""
    inserts = [
        insert(table)
        .values({name: bindparam(f"r{number}_{name}", type_=table.c[name].type) for name in names})
        .returning(table.c.id)
        .cte(f"r{number}")
        for number, (table, names) in enumerate(shape)
    ]
    statement = select(*(cte.c.id for cte in inserts)).select_from(inserts[0])
    for cte in inserts[1:]:
        statement = statement.join(cte, true())
    return statement

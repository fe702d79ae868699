"""A Core select run on the driver's own cursor (issue 13: the shopper's order list and order page, the requests
sent most).

For those two reads SQLAlchemy's per-execution work (compiled-cache lookup, execution context, parameter
handling, the cursor's column descriptions, Row objects) cost more CPU than the statements themselves: 0.46 ms
against 0.14 ms for the list's two statements run on psycopg's cursor, side by side in one process on
`make bench`'s million orders.

`DriverSelect(statement, sample)` renders the statement once per dialect, with SQLAlchemy's own compiler (the
parameters named in `sample` stay parameters; IN lists of constants are expanded), and on PostgreSQL runs that SQL
on the connection's psycopg cursor, sent by `Connection._cursor_execute` (what SQLAlchemy itself uses for its
few raw statements): the rows come back as tuples with each column's result processing applied (UTCDateTime's
UTC zone, as through SQLAlchemy). It stays a statement of the connection's: it runs in the connection's
transaction (or autocommit), the engine's listeners see it (statement counts, services/uow's write tracking),
an error is SQLAlchemy's DBAPIError as from `Connection.execute`, and a lost connection makes the pool's
connections stale as it would there. Other databases (SQLite) run the statement through SQLAlchemy.
tests/api/test_driver_select.py compares both ways on the same data.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Select


class DriverSelect:
    def __init__(self, statement: Select, sample: dict[str, Any]):
        """`sample`: a value for each parameter the callers pass (any value of the right kind: IN lists of
        constants are expanded with it, the parameters themselves stay parameters)."""
        self.statement, self._sample = statement, sample
        self._plans: dict[str, list | None] = {}

    def _plan(self, dialect: Dialect) -> list | None:
        """[SQL, the constants' values, [(column index, result processor)] once the first execution's columns
        gave their types] for this dialect; None when a parameter needs processing on its way in (then SQLAlchemy
        runs it)."""
        if dialect.name not in self._plans:
            compiled = self.statement.compile(dialect=dialect)
            if any(bind.type._cached_bind_processor(dialect) for bind in compiled.binds.values()):
                self._plans[dialect.name] = None
            else:
                expanded = compiled.construct_expanded_state(self._sample)
                constants = {k: v for k, v in expanded.parameters.items() if k not in self._sample}
                self._plans[dialect.name] = [expanded.statement, constants, None]
        return self._plans[dialect.name]

    def _processors(self, dialect: Dialect, description) -> list[tuple[int, Callable[[Any], Any]]]:
        """Each column's result processor as SQLAlchemy picks it (by the column's type and the driver's type code)."""
        return [(i, process) for i, (column, described) in enumerate(zip(self.statement.selected_columns, description))
                if (process := column.type._cached_result_processor(dialect, described.type_code)) is not None]

    def rows(self, connection: Connection, params: dict[str, Any]) -> list[tuple]:
        """Every row of the statement with these parameters, as tuples."""
        dialect = connection.dialect
        plan = self._plan(dialect) if dialect.driver == "psycopg" else None
        if plan is None:
            return [tuple(row) for row in connection.execute(self.statement, params)]
        sql, constants, processors = plan
        cursor = connection.connection.cursor()
        try:
            # SQLAlchemy's own execution of a raw statement: the engine's listeners, echo, and on an error its
            # wrapping and, for a lost connection, the pool's invalidation, as for any statement
            connection._cursor_execute(cursor, sql, {**constants, **params})
            rows = cursor.fetchall()
            if processors is None:
                processors = plan[2] = self._processors(dialect, cursor.description)
        finally:
            cursor.close()
        if processors:
            rows = [_processed(row, processors) for row in rows]
        return rows


def _processed(row: tuple, processors: list[tuple[int, Callable[[Any], Any]]]) -> tuple:
    values = list(row)
    for i, process in processors:
        values[i] = process(values[i])
    return tuple(values)

"""Core statements run on the driver's own cursor (issue 13): the shopper's order list and order page, the reads
sent most (`DriverSelect`), and the writes of placing and cancelling an order (`DriverWrite`).

For those statements SQLAlchemy's per-execution work (compiled-cache lookup, execution context, parameter
handling, the cursor's column descriptions, result objects) cost more CPU than the statements themselves: 0.46 ms
against 0.14 ms for the list's two statements run on psycopg's cursor, side by side in one process on
`make bench`'s million orders.

Each renders its statement once per dialect (a write: per set of parameter names, as SQLAlchemy's cache does),
with SQLAlchemy's own compiler, and on PostgreSQL runs that SQL on the connection's psycopg cursor, sent by
`Connection._cursor_execute` (what SQLAlchemy itself uses for its few raw statements): the rows come back as
tuples with each column's result processing applied (UTCDateTime's UTC zone, as through SQLAlchemy). It stays a
statement of the connection's: it runs in the connection's transaction (a write begins it if none is, as
`Connection.execute` does; a read may run in autocommit), the engine's listeners see it (statement counts,
services/uow's write tracking), an error is SQLAlchemy's DBAPIError as from `Connection.execute`, and a lost
connection makes the pool's connections stale as it would there. Other databases (SQLite) run the statement
through SQLAlchemy.
tests/api/test_driver_select.py and test_driver_write.py compare both ways on the same data.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

import psycopg
from psycopg.pq import ExecStatus
from sqlalchemy import bindparam, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Select
from sqlalchemy.sql.dml import Insert, UpdateBase


_TUPLES_OK = ExecStatus.TUPLES_OK
_RETURNS_TUPLES = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class DescribedCursor(psycopg.Cursor):
    """psycopg's cursor with a cheaper `description`, for the statements SQLAlchemy runs (the ORM's loads above all).

    SQLAlchemy reads `description` once per statement and uses each column's name and type code; psycopg builds a
    Column object per column for it (name, type code, the type's adapter, modifier and size read from the result).
    An order loaded with its lines and payments has 88 columns: under cProfile, building them was an eighth of the
    CPU of a shopper's cancel (issue 13); unprofiled, 90 µs against 18 µs here for 60 columns. Here each column is a plain 7-tuple of the DB-API with the same name and type
    code, and None where PEP 249 allows it; the same None when the statement returned no tuples."""

    @property
    def description(self):
        res = self.pgresult
        if not res or not (res.nfields or res.status in _RETURNS_TUPLES):
            return None
        encoding = self._encoding
        return [((name.decode(encoding) if (name := res.fname(i)) else f"column_{i + 1}"), res.ftype(i),
                 None, None, None, None, None) for i in range(res.nfields)]


class _Plan:
    """What a statement sends on one dialect: its SQL, and its columns' result processors once the first
    execution's result gave their type codes."""
    __slots__ = ("sql", "compiled", "constants", "results")

    def __init__(self, sql: str, *, compiled=None, constants: dict[str, Any] | None = None):
        self.sql, self.compiled, self.constants = sql, compiled, constants
        self.results: list[tuple[int, Callable[[Any], Any]]] | None = None


class _OnCursor:
    """The mechanism both share: a plan's SQL run on the connection's cursor, its rows processed."""

    def __init__(self, statement: Select | UpdateBase):
        self.statement = statement
        self._plans: dict = {}

    def _run(self, connection: Connection, plan: _Plan, params: dict[str, Any]) -> tuple[list[tuple], int]:
        """(rows, rowcount) of the plan's SQL sent with these (processed) parameters."""
        cursor = connection.connection.cursor()
        try:
            # SQLAlchemy's own execution of a raw statement: the engine's listeners, echo, and on an error its
            # wrapping and, for a lost connection, the pool's invalidation, as for any statement
            connection._cursor_execute(cursor, plan.sql, params)
            # The result's status and type codes, not `cursor.description`: psycopg builds a Column object per
            # column each time that is read (issue 13: 7 % of the shopper's list's CPU)
            result, rowcount = cursor.pgresult, cursor.rowcount
            rows = cursor.fetchall() if result is not None and result.status == _TUPLES_OK else []
            if rows and plan.results is None:
                plan.results = self._processors(connection.dialect,
                                                [result.ftype(i) for i in range(result.nfields)])
        finally:
            cursor.close()
        if rows and plan.results:
            rows = [_processed(row, plan.results) for row in rows]
        return rows, rowcount

    def _processors(self, dialect: Dialect, type_codes: list[int]) -> list[tuple[int, Callable[[Any], Any]]]:
        """Each column's result processor as SQLAlchemy picks it (by the column's type and the driver's type code):
        a select's columns, a write's RETURNING."""
        return [(i, process) for i, (column, type_code) in enumerate(zip(self.statement.exported_columns,
                                                                        type_codes))
                if (process := column.type._cached_result_processor(dialect, type_code)) is not None]


class DriverSelect(_OnCursor):
    def __init__(self, statement: Select, sample: dict[str, Any]):
        """`sample`: a value for each parameter the callers pass (any value of the right kind: IN lists of
        constants are expanded with it, the parameters themselves stay parameters)."""
        super().__init__(statement)
        self._sample = sample

    def _plan(self, dialect: Dialect) -> _Plan | None:
        """The SQL and the constants' values for this dialect; None when a parameter needs processing on its way
        in (then SQLAlchemy runs it)."""
        if dialect.name not in self._plans:
            compiled = self.statement.compile(dialect=dialect)
            if any(bind.type._cached_bind_processor(dialect) for bind in compiled.binds.values()):
                self._plans[dialect.name] = None
            else:
                expanded = compiled.construct_expanded_state(self._sample)
                constants = {k: v for k, v in expanded.parameters.items() if k not in self._sample}
                self._plans[dialect.name] = _Plan(expanded.statement, constants=constants)
        return self._plans[dialect.name]

    def rows(self, connection: Connection, params: dict[str, Any]) -> list[tuple]:
        """Every row of the statement with these parameters, as tuples."""
        plan = self._plan(connection.dialect) if connection.dialect.driver == "psycopg" else None
        if plan is None:
            return [tuple(row) for row in connection.execute(self.statement, params)]
        return self._run(connection, plan, {**plan.constants, **params})[0]


class Written:
    """What a write did: the rows it returned (RETURNING) as tuples, and how many rows it matched."""
    __slots__ = ("rows", "rowcount")

    def __init__(self, rows: list[tuple], rowcount: int):
        self.rows, self.rowcount = rows, rowcount

    def first(self) -> tuple | None:
        return self.rows[0] if self.rows else None


_MANY_ROWS = 32  # an INSERT of at most this many rows goes on the cursor as one multi-row VALUES statement


class DriverWrite(_OnCursor):
    """A Core INSERT, UPDATE or DELETE built once. A single row of parameters on PostgreSQL is sent on the cursor
    with SQLAlchemy's own parameter handling: `construct_params` (the statement's constants; a missing parameter
    refused) and the dialect's bind processors (JSON, UTCDateTime, Boolean...). So is an INSERT of a few rows
    with the same columns (an order's lines, an unpaid cancel's two events): one `INSERT ... VALUES (...), (...)
    RETURNING`, rendered once per row count, whose rows PostgreSQL inserts and returns in the order given; through
    SQLAlchemy (insertmanyvalues) such an INSERT cost more CPU than two single-row ones. More rows (executemany)
    and other databases go through SQLAlchemy, as do the statements SQLAlchemy gives more work than that (column
    defaults it computes, expanding or literal parameters, escaped names)."""

    def _plan(self, dialect: Dialect, names: frozenset[str], rows: int = 1) -> _Plan | None:
        key = (dialect.name, names, rows)
        if key not in self._plans:
            if rows == 1:
                # As Connection.execute compiles it: the parameters' names choose the columns written
                compiled = self.statement.compile(dialect=dialect, column_keys=sorted(names))
            else:
                compiled = self._many_rows(names, rows).compile(dialect=dialect)
            more = (compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params
                    or compiled.post_compile_params or compiled.escaped_bind_names or compiled.positional)
            self._plans[key] = None if more else _Plan(compiled.string, compiled=compiled)
        return self._plans[key]

    def _many_rows(self, names: frozenset[str], rows: int) -> Insert:
        """The INSERT with `rows` rows of VALUES, row i's parameters named `<column>__<i>` (typed as the columns,
        so that the bind processors are the single row's), and the same RETURNING."""
        table = self.statement.table
        columns = sorted(names)
        return insert(table).values([{name: bindparam(f"{name}__{i}", type_=table.c[name].type) for name in columns}
                                     for i in range(rows)]).returning(*self.statement.exported_columns)

    @cached_property
    def _insert_columns(self) -> frozenset[str] | None:
        """The table's column keys when the statement is a plain INSERT (its rows are the parameters only)."""
        statement = self.statement
        if not isinstance(statement, Insert) or statement.select is not None or statement._values is not None \
                or statement._multi_values:
            return None
        return frozenset(statement.table.c.keys())

    def _rows_plan(self, dialect: Dialect, params: list[dict[str, Any]]) -> tuple[_Plan | None, dict[str, Any]]:
        """A few rows of a plain INSERT, all with the same columns: the multi-row plan and its parameters."""
        names, columns = frozenset(params[0]), self._insert_columns
        if columns is None or not 1 < len(params) <= _MANY_ROWS or not names <= columns \
                or any(row.keys() != names for row in params):
            return None, {}
        plan = self._plan(dialect, names, len(params))
        return plan, {f"{name}__{i}": value for i, row in enumerate(params) for name, value in row.items()}

    def execute(self, connection: Connection, params: dict[str, Any] | list[dict[str, Any]]) -> Written:
        """Run the statement with one row of parameters (a dict) or several (a list of dicts)."""
        plan = None
        if connection.dialect.driver == "psycopg":
            if isinstance(params, dict):
                plan, values = self._plan(connection.dialect, frozenset(params)), params
            elif params:
                plan, values = self._rows_plan(connection.dialect, params)
        if plan is None:
            result = connection.execute(self.statement, params)
            return Written([tuple(row) for row in result] if result.returns_rows else [], result.rowcount)
        # What Connection.execute checks before a statement: a transaction that failed must be rolled back first,
        # and the connection's transaction is begun (so that its COMMIT covers this write).
        transaction = connection._transaction
        if transaction is not None and not transaction.is_active:
            connection._invalid_transaction()
        if transaction is None:
            connection._autobegin()
        compiled = plan.compiled
        values = compiled.construct_params(values, escape_names=False)
        for name, process in compiled._bind_processors.items():
            if name in values:
                values[name] = process(values[name])
        return Written(*self._run(connection, plan, values))


def _processed(row: tuple, processors: list[tuple[int, Callable[[Any], Any]]]) -> tuple:
    values = list(row)
    for i, process in processors:
        values[i] = process(values[i])
    return tuple(values)

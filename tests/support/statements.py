"""Counting the SQL statements one request sends (the statement budgets of issue 13)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from shop.extensions import db


class StatementLog:
    def __init__(self):
        self.statements: list[str] = []
        self.parameters: list = []  # each statement's, as sent to the driver

    def __len__(self) -> int:
        return len(self.statements)

    def writes(self) -> list[tuple[str, object]]:
        """(statement, parameters) of every statement but the SELECTs, in order."""
        return [(s, p) for s, p in zip(self.statements, self.parameters) if not s.startswith("SELECT")]

    def __str__(self) -> str:
        return "\n".join(f"{i + 1}. {s.split(chr(10))[0][:160]}" for i, s in enumerate(self.statements))


@contextmanager
def counting_statements():
    """Every statement sent to the database inside the block, in order (savepoints included; BEGIN/COMMIT are driver calls, not counted)."""
    log = StatementLog()

    def record(conn, cursor, statement, parameters, context, executemany):
        log.statements.append(statement)
        log.parameters.append(parameters)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)

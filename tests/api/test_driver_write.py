"""db/driver.DriverWrite (issue 13): a Core INSERT or UPDATE sent on psycopg's own cursor writes what SQLAlchemy
would (its bind processors applied), answers the same RETURNING rows and rowcount, is still a statement of the
connection's transaction, and fails as SQLAlchemy fails; a few rows of an INSERT are one statement too; SQLite and
many rows go through SQLAlchemy."""
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from shop.db import Order, OrderEvent
from shop.db.driver import DriverWrite
from shop.extensions import db
from shop.services.uow import execute, has_writes, transaction, update_now
from support.shop import Shopper
from support.statements import counting_statements

EVENT = DriverWrite(insert(OrderEvent).returning(OrderEvent.id, OrderEvent.created_at))
CLAIM = DriverWrite(update(Order).where(Order.id == bindparam("w_id"), Order.version == bindparam("w_version")))
SHANGHAI = timezone(timedelta(hours=8))


@contextmanager
def through_sqlalchemy():
    """The Core executions sent through SQLAlchemy's Connection.execute inside the block (the driver's path sends
    none)."""
    calls = []

    def called(conn, clauseelement, multiparams, params, execution_options):
        calls.append(clauseelement)

    event.listen(db.engine, "before_execute", called)
    try:
        yield calls
    finally:
        event.remove(db.engine, "before_execute", called)


def _event_row(order_id: int, reason: str) -> dict:
    return {"order_id": order_id, "kind": "note", "actor_type": "staff", "actor_id": 7, "actor_name": "小王",
            "actor_role": "owner", "actor_ip": "", "from_status": None, "to_status": None, "reason": reason,
            "data": {"备注": "加急", "lines": [1, 2], "refund": {"fen": 1999, "full": True}}, "visible_to_shopper": False,
            "created_at": datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=SHANGHAI)}


def _written_events(order_id: int) -> dict[str, dict]:
    """The order's notes (the events written here) by reason: every column but the id and the reason."""
    columns = [c for c in OrderEvent.__table__.c if c.key not in ("id", "reason")]
    rows = db.session.execute(select(OrderEvent.reason, *columns)
                              .where(OrderEvent.order_id == order_id, OrderEvent.kind == "note")).all()
    return {row[0]: dict(zip([c.key for c in columns], row[1:])) for row in rows}


def test_an_insert_with_json_and_a_datetime_writes_and_returns_what_sqlalchemy_does(app, client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    connection = db.session.connection()
    with through_sqlalchemy() as calls, counting_statements() as log:
        ours = EVENT.execute(connection, _event_row(order_id, "driver"))
    assert len(calls) == (0 if app.config["DB_BACKEND"] == "postgresql" else 1)
    assert len(log) == 1  # the engine's listeners saw it
    theirs = connection.execute(EVENT.statement, _event_row(order_id, "sqlalchemy")).one()
    assert ours.rowcount == 1 and len(ours.rows) == 1 and type(ours.rows[0][0]) is int
    # RETURNING's columns processed as SQLAlchemy's: the moment in UTC, aware
    assert ours.rows[0][1] == theirs[1] == datetime(2026, 3, 1, 1, 30, 15, 123456, tzinfo=timezone.utc)
    assert ours.rows[0][1].tzinfo is timezone.utc
    db.session.commit()
    written = _written_events(order_id)
    assert written["driver"] == written["sqlalchemy"]
    assert written["driver"]["data"] == _event_row(order_id, "")["data"] and written["driver"]["actor_name"] == "小王"
    assert written["driver"]["visible_to_shopper"] is False


def test_a_versioned_update_matches_one_row_then_none_as_sqlalchemys_does(app, client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    version = db.session.scalar(select(Order.version).where(Order.id == order_id))
    connection = db.session.connection()
    moment = datetime.now(timezone.utc)
    claim = {"w_id": order_id, "w_version": version, "status": "cancelled", "version": version + 1,
             "updated_at": moment}
    with through_sqlalchemy() as calls:
        assert CLAIM.execute(connection, claim).rowcount == 1
        assert CLAIM.execute(connection, claim).rowcount == 0  # the version moved: a stale claim matches nothing
    assert len(calls) == (0 if app.config["DB_BACKEND"] == "postgresql" else 2)
    assert connection.execute(CLAIM.statement, claim).rowcount == 0
    assert connection.execute(CLAIM.statement, {**claim, "w_version": version + 1,
                                                "version": version + 2}).rowcount == 1
    assert db.session.execute(select(Order.status, Order.version, Order.updated_at)
                              .where(Order.id == order_id)).one() == ("cancelled", version + 2, moment)


def test_update_now_of_a_row_changed_since_it_was_read_is_stale(client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    order = db.session.get(Order, order_id)
    execute(update(Order).where(Order.id == order_id).values(version=Order.version + 1))  # as another transaction
    order.status = "cancelled"
    with pytest.raises(StaleDataError, match="matched 0 rows"):
        update_now(order)
    db.session.rollback()


def test_a_write_marks_the_transaction_and_commits_or_rolls_back_with_it(client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    with pytest.raises(RuntimeError), transaction():
        execute(EVENT, _event_row(order_id, "rolled back"))
        assert has_writes()
        raise RuntimeError("refused")
    with transaction():
        execute(EVENT, _event_row(order_id, "committed"))
    db.session.remove()
    assert set(_written_events(order_id)) == {"committed"}


def test_a_write_on_a_connection_outside_a_transaction_begins_one_that_its_commit_ends(client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    with db.engine.connect() as connection:
        EVENT.execute(connection, _event_row(order_id, "own connection"))
        connection.commit()
    assert set(_written_events(order_id)) == {"own connection"}


def test_a_constraint_violation_is_sqlalchemys_integrity_error(pgapp):
    with pytest.raises(IntegrityError, match="foreign key"):  # what ordering catches for its idempotency race
        EVENT.execute(db.session.connection(), _event_row(0, "no such order"))
    db.session.rollback()


def test_a_few_rows_of_an_insert_are_one_statement_on_the_cursor_in_the_order_given(app, client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    connection = db.session.connection()
    reasons = ["one", "two", "three"]
    with through_sqlalchemy() as calls, counting_statements() as log:
        written = EVENT.execute(connection, [_event_row(order_id, reason) for reason in reasons])
    assert len(calls) == (0 if app.config["DB_BACKEND"] == "postgresql" else 1)
    if app.config["DB_BACKEND"] == "postgresql":
        assert len(log) == 1 and "), (" in log.statements[0]  # one INSERT of three rows of VALUES
    assert written.rowcount == 3 and len(written.rows) == 3
    assert all(row[1] == datetime(2026, 3, 1, 1, 30, 15, 123456, tzinfo=timezone.utc) for row in written.rows)
    connection.execute(EVENT.statement, _event_row(order_id, "sqlalchemy"))
    db.session.commit()
    # Each returned id is the row of the parameters at its place, written as SQLAlchemy writes one row.
    ids = dict(db.session.execute(select(OrderEvent.id, OrderEvent.reason).where(
        OrderEvent.id.in_([row[0] for row in written.rows]))).all())
    assert [ids[row[0]] for row in written.rows] == reasons
    written_rows = _written_events(order_id)
    assert all(written_rows[reason] == written_rows["sqlalchemy"] for reason in reasons)


def test_more_rows_go_through_sqlalchemy(client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    with through_sqlalchemy() as calls:
        written = EVENT.execute(db.session.connection(), [_event_row(order_id, f"many {i}") for i in range(40)])
    assert len(written.rows) == 40 and len(calls) == 1
    db.session.commit()
    assert set(_written_events(order_id)) == {f"many {i}" for i in range(40)}

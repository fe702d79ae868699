"""db/driver.DriverSelect (issue 13): a Core select run on psycopg's own cursor answers as SQLAlchemy would, is
still a statement of the connection (counted, in its transaction) and fails as SQLAlchemy fails."""
from datetime import timezone

import pytest
from sqlalchemy import bindparam, literal, select
from sqlalchemy.exc import DataError

from shop.db import Order, OrderLine
from shop.db.driver import DriverSelect
from shop.extensions import db
from support.statements import counting_statements
from support.shop import Shopper

ORDERS_WITH_LINES = (select(Order.id, Order.status, Order.created_at, Order.paid_at, OrderLine.sku_name,
                            OrderLine.quantity)
                     .join(OrderLine, OrderLine.order_id == Order.id)
                     .where(Order.shopper_id == bindparam("shopper_id"), Order.status.in_(["pending_payment", "paid"]))
                     .order_by(Order.id, OrderLine.id))


def test_rows_are_sqlalchemys_rows_with_the_columns_processed(app, client):
    alice = Shopper(client)
    shopper_id = alice.user["id"]
    alice.order(), alice.order()
    statement = DriverSelect(ORDERS_WITH_LINES, {"shopper_id": 0})
    connection = db.session.connection()
    with counting_statements() as log:
        rows = statement.rows(connection, {"shopper_id": shopper_id})
    expected = [tuple(row) for row in connection.execute(ORDERS_WITH_LINES, {"shopper_id": shopper_id})]
    assert len(rows) == 2 and rows == expected
    assert all(type(row) is tuple for row in rows)
    assert rows[0][2].tzinfo is timezone.utc and rows[0][3] is None  # UTCDateTime's processing, as SQLAlchemy's
    assert len(log) == 1 and log.statements[0].startswith("SELECT")  # the engine's listeners saw it
    if app.config["DB_BACKEND"] == "postgresql":  # the SQL SQLAlchemy rendered once, its IN list expanded
        assert "POSTCOMPILE" not in log.statements[0] and "%(shopper_id)s" in log.statements[0]


def test_an_error_is_sqlalchemys_and_the_connection_stays_usable(pgapp):
    statement = DriverSelect(select(literal(1) / bindparam("zero")), {"zero": 1})
    with pytest.raises(DataError, match="division by zero"):  # psycopg's DivisionByZero, wrapped as SQLAlchemy does
        statement.rows(db.session.connection(), {"zero": 0})
    db.session.rollback()
    connection = db.session.connection()
    assert statement.rows(connection, {"zero": 2}) == [tuple(connection.execute(statement.statement, {"zero": 2}).one())]


def test_the_connections_cursors_describe_columns_as_psycopg_does_only_cheaper(pgapp):
    """db/driver.DescribedCursor: the same names and type codes as psycopg's Column objects (unnamed columns
    too), None where no tuples came back, and an ORM load through it answers as before."""
    import psycopg
    from shop.db.driver import DescribedCursor

    raw = db.session.connection().connection.dbapi_connection
    assert raw.cursor_factory is DescribedCursor  # every pooled connection, by the engine's connect listener
    ours, plain = raw.cursor(), psycopg.Cursor(raw)
    assert type(ours) is DescribedCursor
    for sql in ("SELECT o.*, 1, NULL::text AS nothing, now() FROM orders o LIMIT 0", "SELECT",
                "SELECT 1 WHERE false"):
        ours.execute(sql)
        plain.execute(sql)
        assert [(c[0], c[1]) for c in ours.description] == [(c.name, c.type_code) for c in plain.description]
        assert all(len(c) == 7 for c in ours.description)
    ours.execute("SET LOCAL statement_timeout = 0")
    plain.execute("SET LOCAL statement_timeout = 0")
    assert ours.description is None and plain.description is None
    alice = Shopper(pgapp.test_client())
    order_id = alice.order()["id"]
    db.session.expunge_all()
    order = db.session.get(Order, order_id)
    assert order.status == "pending_payment" and order.created_at.tzinfo is timezone.utc and order.lines

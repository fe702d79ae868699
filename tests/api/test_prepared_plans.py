"""A statement sent on every order placed keeps one plan (issue 13).

psycopg prepares a statement its connection has sent five times, and PostgreSQL then plans it once for every
value of its parameters, unless the plans it would make for the values it sees look cheaper than that one plan:
then it plans again on each execution. The shopper's unpaid orders (the purchase limits, on every create) were
such a statement while their status was a parameter: in a shop where few orders are unpaid, PostgreSQL planned
it on each order placed, weighing every index of the orders table (0.3-0.5 ms of its CPU, in `make bench`).
They are now read with the rest of what placing an order reads first (ordering.before_placing).
Counts, not times: pg_prepared_statements says how often the connection planned it each way.
"""
import pytest
from sqlalchemy import text

from shop.db import Order
from shop.extensions import db
from shop.services import ordering
from shop.services.auth import ShopperCaller
from support.shop import Shopper, first_sku_id

pytestmark = pytest.mark.postgres_only


def _history(order_id: int, n: int) -> None:
    """n completed orders like `order_id` (its shopper's history), and statistics that say so."""
    columns = [c.name for c in Order.__table__.columns if c.name not in ("id", "order_no", "status", "idempotency_key")]
    db.session.execute(text(
        f"INSERT INTO orders (order_no, status, {', '.join(columns)}) "
        f"SELECT 'H' || lpad(g::text, 19, '0'), 'completed', {', '.join(columns)} "
        f"FROM orders, generate_series(1, :n) AS g WHERE id = :id"), {"n": n, "id": order_id})
    db.session.execute(text("ANALYZE orders"))
    db.session.commit()


def _plans(fragment: str) -> tuple[int, int]:
    """(generic, custom) plans of the statements this session's connection prepared that contain `fragment`."""
    return db.session.execute(text(
        "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) FROM pg_prepared_statements "
        "WHERE statement LIKE :pattern"), {"pattern": f"%{fragment}%"}).one()


def test_the_unpaid_orders_of_a_shopper_are_planned_once(pgapp):
    alice = Shopper(pgapp.test_client())
    sku_id = first_sku_id()
    order = alice.order([(sku_id, 2)])
    _history(order["id"], 3000)

    caller = ShopperCaller({"sub": alice.user["id"], "v": 0})
    for _ in range(20):  # on one connection, in one transaction: psycopg prepares it after 5 executions
        found = ordering.before_placing(caller, None, alice.address_id, [sku_id])
        # and the answer is the same: the one unpaid order, holding its units of the SKU
        assert (found.held.orders, found.held.units_by_sku) == (1, {sku_id: 2})
    generic, custom = _plans("held_units")
    assert generic + custom >= 10, (generic, custom)  # prepared: the counts are about this statement
    # PostgreSQL plans a prepared statement for its values five times, then keeps one plan if it is as good
    assert custom <= 5 and generic >= 5, (generic, custom)
    db.session.rollback()

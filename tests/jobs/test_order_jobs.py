"""O5/O6 jobs with real Redis and real workers, on PostgreSQL."""
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from shop.db import Order, StockLedger
from shop.domain import clock
from shop.extensions import db
from shop.services.context import deps
from support.services import wait_until
from support.shop import Shopper, first_sku_id, sku_stock
from support.workers import WorkerProcess, run_burst


@pytest.fixture
def short_payment_window(pgapp):
    d = deps()
    original = d.policy
    d.policy = replace(original, unpaid_close_seconds=2)
    yield
    d.policy = original


def order_status(order_id):
    return db.session.scalar(select(Order.status).where(Order.id == order_id).execution_options(populate_existing=True))


@pytest.mark.parametrize("wechatpay_api", ["v3", "v2"], indirect=True, scope="session")  # WeChat's close, both protocols
def test_unpaid_order_is_closed_by_the_job_scheduled_at_creation(pgapp, sandbox, short_payment_window):
    alice = Shopper(pgapp.test_client())
    sku = first_sku_id()
    before = sku_stock(sku)
    order = alice.order([(sku, 3)])
    out_trade_no = alice.post(f"/orders/{order['id']}/pay").get_json()["out_trade_no"]
    assert sku_stock(sku) == before - 3
    with WorkerProcess(pgapp):
        wait_until(lambda: order_status(order["id"]) == "cancelled", timeout=20)
        payment = wait_until(lambda: next((p for p in sandbox.listing("payments")
                                           if p["out_trade_no"] == out_trade_no and p["trade_state"] == "CLOSED"),
                                          None), timeout=20)
    assert payment["trade_state"] == "CLOSED"
    assert sku_stock(sku) == before
    detail = alice.detail(order["id"])
    assert detail["timeline"][-1]["kind"] == "closed_unpaid"
    assert "pay" not in detail["actions"]


def test_the_sweeper_closes_orders_whose_job_was_lost_and_releases_stock_exactly_once(pgapp, redis_url):
    from redis import Redis

    alice = Shopper(pgapp.test_client())
    sku = first_sku_id()
    before = sku_stock(sku)
    order = alice.order([(sku, 2)])
    Redis.from_url(redis_url).flushdb()  # the scheduled close job is lost
    clock.advance(timedelta(minutes=31))
    deps().jobs.enqueue("shop.jobs.tasks.sweep_unpaid_orders")
    run_burst(pgapp)
    assert order_status(order["id"]) == "cancelled"
    from shop.services import ordering
    assert ordering.close_unpaid_order(order["id"]) is False  # a late job after the sweeper does nothing
    deps().jobs.enqueue("shop.jobs.tasks.sweep_unpaid_orders", job_id="sweep-again")
    run_burst(pgapp)
    assert sku_stock(sku) == before
    releases = db.session.scalar(select(func.count()).select_from(StockLedger).where(
        StockLedger.order_id == order["id"], StockLedger.kind == "release"))
    assert releases == 1


def test_shipped_orders_confirm_automatically_after_the_configured_days(pgapp, sandbox):
    from shop.domain.actors import Actor
    from shop.services import ordering

    alice = Shopper(pgapp.test_client())
    order = alice.order()
    alice.pay(order, sandbox)
    wait_until(lambda: order_status(order["id"]) == "paid")
    staff = Actor.staff(1, "仓库", "warehouse")
    ordering.ship_order(order["id"], staff, "中通快递", "ZT1234567890")
    fresh = alice.order()
    alice.pay(fresh, sandbox)
    wait_until(lambda: order_status(fresh["id"]) == "paid")
    ordering.ship_order(fresh["id"], staff, "中通快递", "ZT1234567891")
    db.session.execute(update(Order).where(Order.id == order["id"])
                       .values(shipped_at=clock.now() - timedelta(days=10, minutes=1)))
    db.session.commit()
    deps().jobs.enqueue("shop.jobs.tasks.sweep_shipped_orders")
    run_burst(pgapp)
    assert order_status(order["id"]) == "completed"
    assert order_status(fresh["id"]) == "shipped"
    assert alice.detail(order["id"])["timeline"][-1]["kind"] == "auto_received"

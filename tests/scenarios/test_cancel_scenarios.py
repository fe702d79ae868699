"""Cancel and modify end to end: PostgreSQL, real Redis, the WeChat sandbox, workers.

These are the reliability promises of SPEC §7 for cancel and modify: concurrent taps never cancel twice,
refund twice or restore stock twice; a watchlisted shopper is never approved automatically; a
quantity decrease pays back exactly the difference; a Redis outage delays refunds, never loses them.
"""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from refund_worker import WorkerProcess
from shop.adapters.queue import JobQueue
from shop.db import OrderEvent, Refund, StockLedger
from shop.domain import clock
from shop.domain.refund_amounts import LineAmounts, line_refund_fen
from shop.extensions import db
from shop.jobs import notification_tasks, tasks
from shop.services import reviews, risk
from shop.services.context import deps
from support.workers import run_jobs
from support.orders import paid_order, refunds_of, staff
from support.services import EmbeddedRedis, wait_until
from support.shop import Shopper, first_sku_id, sku_stock

# Every scenario in both WeChat Pay protocols.
pytestmark = [pytest.mark.postgres_only,
              pytest.mark.parametrize("wechatpay_api", ["v3", "v2"], indirect=True, scope="session")]
RACERS = 20


def paid_out(sandbox, out_refund_nos) -> list[int]:
    return [r["refund_fee"] for r in sandbox.listing("refunds") if r["out_refund_no"] in out_refund_nos]


def test_twenty_concurrent_cancels_cancel_once_refund_once_restore_stock_once(pgapp, sandbox):
    alice = Shopper(pgapp.test_client())
    sku = first_sku_id()
    before = sku_stock(sku)
    order = paid_order(alice, sandbox, [(sku, 3)])
    barrier = threading.Barrier(RACERS)
    replies: list = [None] * RACERS

    def tap(i: int) -> None:
        client = pgapp.test_client()
        barrier.wait()
        replies[i] = client.post(f"/api/mp/orders/{order['id']}/cancel", json={"reason_code": "changed_mind"},
                                 headers=alice.headers)

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(RACERS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    elapsed = time.monotonic() - started
    codes = sorted(r.status_code for r in replies)
    print(f"\n{RACERS} concurrent cancels of one paid order answered in {elapsed:.2f}s: {codes}")
    assert set(codes) <= {200, 409}, codes
    assert all(r.get_json()["status"] == "cancelled" for r in replies if r.status_code == 200)
    assert all(r.get_json()["error"]["code"] == "CONFLICT" for r in replies if r.status_code == 409)
    db.session.expire_all()
    cancels = db.session.scalar(select(func.count()).select_from(OrderEvent).where(
        OrderEvent.order_id == order["id"], OrderEvent.to_status == "cancelled"))
    releases = db.session.scalar(select(func.count()).select_from(StockLedger).where(
        StockLedger.order_id == order["id"], StockLedger.kind == "release"))
    [refund] = refunds_of(order["id"])
    assert (cancels, releases, refund.amount_fen) == (1, 1, order["paid_fen"])
    assert sku_stock(sku) == before
    out_refund_no = refund.out_refund_no
    run_jobs()
    wait_until(lambda: paid_out(sandbox, {out_refund_no}))
    assert paid_out(sandbox, {out_refund_no}) == [order["paid_fen"]]


def test_flagged_shopper_cancelling_inside_the_window_goes_to_review(pgapp, sandbox):
    alice = Shopper(pgapp.test_client())
    order = paid_order(alice, sandbox)
    risk.flag(alice.user["id"], staff("supervisor"), "30 天内退款 5 次")
    body = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"}).get_json()
    assert body["status"] == "paid" and body["open_request"]["kind"] == "cancel"
    assert refunds_of(order["id"]) == []
    reviews.approve(body["open_request"]["id"], staff("supervisor"), "核实后同意")
    [refund] = refunds_of(order["id"])
    out_refund_no = refund.out_refund_no
    run_jobs()
    wait_until(lambda: paid_out(sandbox, {out_refund_no}))
    assert paid_out(sandbox, {out_refund_no}) == [order["paid_fen"]]


def test_lowering_a_paid_quantity_refunds_exactly_the_difference_through_a_worker_process(pgapp, sandbox):
    worker = WorkerProcess(pgapp).start()
    try:
        alice = Shopper(pgapp.test_client())
        order = paid_order(alice, sandbox, [(first_sku_id(), 3)])
        line = order["items"][0]
        reply = alice.patch(f"/orders/{order['id']}", {"lines": [{"line_id": line["id"], "quantity": 1}]})
        assert reply.status_code == 200, reply.get_json()
        expected = line_refund_fen(LineAmounts(line["payable_fen"], 3, 0), 2)
        [refund] = refunds_of(order["id"])
        out_refund_no = refund.out_refund_no
        assert refund.amount_fen == expected
        wait_until(lambda: alice.detail(order["id"])["refund_status"] == "partially_refunded", timeout=20)
        assert paid_out(sandbox, {out_refund_no}) == [expected]
    finally:
        worker.stop()


def test_cancels_while_redis_is_down_succeed_and_refunds_go_out_once_it_is_back(pgapp, sandbox):
    shoppers = [Shopper(pgapp.test_client(), f"shopper{i}") for i in range(3)]
    orders = [paid_order(s, sandbox) for s in shoppers]
    for shopper in shoppers:
        shopper.post("/subscriptions", {"templates": ["cancel_result"]})
    redis = EmbeddedRedis().start()
    real_jobs = deps().jobs
    deps().jobs = JobQueue(redis.url)
    try:
        deps().jobs.connection.ping()
        redis.stop()  # Redis goes down while shoppers cancel
        for shopper, order in zip(shoppers, orders):
            reply = shopper.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
            assert reply.status_code == 200 and reply.get_json()["status"] == "cancelled"
        db.session.expire_all()
        waiting = db.session.scalars(select(Refund).where(Refund.order_id.in_([o["id"] for o in orders]))).all()
        assert [r.status for r in waiting] == ["pending"] * 3
        numbers = {r.out_refund_no for r in waiting}
        assert paid_out(sandbox, numbers) == []

        redis.start()  # Redis is back: the sweeper re-enqueues, a real worker process pays out
        assert tasks.sweep_refunds()["submitted"] == 3
        with WorkerProcess(pgapp, REDIS_URL=redis.url):
            wait_until(lambda: len(paid_out(sandbox, numbers)) == 3, timeout=30)
            tasks.sweep_refunds()
            time.sleep(1)
        assert sorted(paid_out(sandbox, numbers)) == sorted(o["paid_fen"] for o in orders)  # nothing twice
    finally:
        deps().jobs = real_jobs
        redis.stop()

    # The subscribe messages written during the outage go out once their sweeper runs.
    assert sandbox.listing("messages") == []
    clock.advance(timedelta(seconds=31))
    assert notification_tasks.sweep_subscribe_messages() == 3
    run_jobs()
    assert sorted(m["touser"] for m in sandbox.listing("messages")) == [f"sandbox-shopper{i}" for i in range(3)]

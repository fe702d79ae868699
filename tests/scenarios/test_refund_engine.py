"""Refund engine end to end (R1, R4): PostgreSQL, real Redis, real worker processes, the sandbox.

Each scenario checks the only thing that matters to the shop's bank account: every refund ends
`succeeded` and the sandbox paid each one out exactly once.
"""
from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import func, select

from refund_worker import WorkerProcess
from shop.db import Order, OrderEvent, Refund, RefundAttempt
from shop.domain.actors import Actor
from shop.extensions import db
from shop.services import refunds
from shop.services.context import deps
from shop.services.uow import transaction
from support import v3_reference
from support.services import wait_until
from support.shop import Shopper
from wechat_sandbox import signing

# Every scenario in both WeChat Pay protocols.
pytestmark = [pytest.mark.postgres_only,
              pytest.mark.parametrize("wechatpay_api", ["v3", "v2"], indirect=True, scope="session")]


@pytest.fixture
def worker(pgapp):
    started = []

    def start(**options):
        process = WorkerProcess(pgapp, **options).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def paid_orders(app, sandbox, count: int) -> list[int]:
    alice = Shopper(app.test_client())
    ids = []
    for _ in range(count):
        order = alice.order()
        alice.pay(order, sandbox)
        ids.append(order["id"])
    wait_until(lambda: all(alice.detail(i)["status"] == "paid" for i in ids), timeout=20)
    return ids


def refund_in_full(order_ids: list[int]) -> list[int]:
    created = []
    for order_id in order_ids:
        with transaction() as tx:
            order = db.session.get(Order, order_id)
            created.append(refunds.create_refund(order, order.paid_fen, source="manual", reason="场景测试",
                                                 actor=Actor.system(), tx=tx).id)
    return created


def states(refund_ids: list[int]) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Refund, i).status for i in refund_ids]


def payouts(sandbox) -> dict[str, list[int]]:
    paid: dict[str, list[int]] = {}
    for row in sandbox.listing("refunds"):
        paid.setdefault(row["out_refund_no"], []).append(row["amount"])
    return paid


def assert_each_paid_once(sandbox, refund_ids: list[int]) -> None:
    db.session.expire_all()
    rows = [db.session.get(Refund, i) for i in refund_ids]
    paid = payouts(sandbox)
    assert {r.out_refund_no: [r.amount_fen] for r in rows} == {no: paid.get(no) for no in paid}
    for r in rows:
        order = db.session.get(Order, r.order_id)
        assert order.refund_status == "refunded" and order.refunded_fen == order.paid_fen
        succeeded_events = db.session.scalar(select(func.count()).select_from(OrderEvent).where(
            OrderEvent.order_id == r.order_id, OrderEvent.kind == "refund_succeeded"))
        assert succeeded_events == 1


def sweep_until_settled(refund_ids: list[int], timeout: float, state: str = "succeeded", process=None) -> None:
    """What the cron does every 30 s, done every second: re-submit lost jobs, query processing refunds; until
    every refund is in `state` (a failure shows the worker's output when given its process)."""
    deadline = time.monotonic() + timeout
    while set(states(refund_ids)) != {state}:
        assert time.monotonic() < deadline, f"not {state}: {states(refund_ids)}" + (
            f"; the worker's output:\n{process.output()}" if process else "")
        deps().jobs.enqueue("shop.jobs.tasks.sweep_refunds")
        time.sleep(1)


def test_three_system_errors_then_success_pay_out_once_with_one_out_refund_no(pgapp, sandbox, worker):
    order_ids = paid_orders(pgapp, sandbox, 1)
    sandbox.fault("refund", "SYSTEMERROR", times=3)
    process = worker()
    [refund_id] = refund_in_full(order_ids)

    wait_until(lambda: states([refund_id]) == ["succeeded"], timeout=30)

    refund = db.session.get(Refund, refund_id)
    attempts = db.session.scalars(select(RefundAttempt).where(RefundAttempt.refund_id == refund_id)
                                  .order_by(RefundAttempt.number)).all()
    assert [(a.number, a.outcome, a.error_code) for a in attempts] == [
        (1, "failed", sandbox.code("SYSTEMERROR")), (2, "failed", sandbox.code("SYSTEMERROR")),
        (3, "failed", sandbox.code("SYSTEMERROR")), (4, "accepted", None)], process.output()
    assert payouts(sandbox) == {refund.out_refund_no: [refund.amount_fen]}
    assert_each_paid_once(sandbox, [refund_id])


def test_refund_failing_past_the_last_retry_is_abnormal_and_a_manual_retry_pays_it_once(pgapp, sandbox, worker):
    order_ids = paid_orders(pgapp, sandbox, 1)
    sandbox.fault("refund", "SYSTEMERROR", times=4)
    process = worker()
    [refund_id] = refund_in_full(order_ids)

    # Four attempts a second apart, with the cron's sweeper running as in production: in clean-clone runs a
    # retry job sometimes ended without an attempt (the refund stayed `failed` and its RQ retries with it), and
    # re-submitting a due refund whose job is gone is the sweeper's work.
    sweep_until_settled([refund_id], timeout=60, state="abnormal", process=process)
    assert db.session.get(Order, order_ids[0]).refund_status == "refund_failed"
    assert payouts(sandbox) == {}

    refunds.retry_abnormal_refund(refund_id, Actor.staff(4, "赵财务", "finance"))
    wait_until(lambda: states([refund_id]) == ["succeeded"], timeout=20)
    assert_each_paid_once(sandbox, [refund_id])


def test_worker_killed_mid_batch_every_refund_succeeds_exactly_once_after_restart(pgapp, sandbox, worker):
    order_ids = paid_orders(pgapp, sandbox, 8)
    # The first calls hang until the client gives up, so the kill finds the worker inside WeChat calls.
    sandbox.fault("refund", "lost_reply", times=3)
    first = worker(lease_seconds=3)
    refund_ids = refund_in_full(order_ids)
    wait_until(lambda: len(sandbox.listing("refunds")) >= 1, timeout=30)
    first.kill()
    assert set(states(refund_ids)) != {"succeeded"}, "the kill came too late to prove anything"

    worker(lease_seconds=3)
    sweep_until_settled(refund_ids, timeout=45)

    assert_each_paid_once(sandbox, refund_ids)


def test_duplicate_notifications_settle_once(pgapp, sandbox, worker):
    order_ids = paid_orders(pgapp, sandbox, 2)
    sandbox.fault("refund_notify", "duplicate", times=2)
    worker()
    refund_ids = refund_in_full(order_ids)
    wait_until(lambda: states(refund_ids) == ["succeeded", "succeeded"], timeout=20)
    time.sleep(1)  # let the duplicates arrive
    assert_each_paid_once(sandbox, refund_ids)


def test_dropped_notifications_are_made_up_for_by_the_refund_query(pgapp, sandbox, worker):
    order_ids = paid_orders(pgapp, sandbox, 2)
    sandbox.fault("refund_notify", "drop", times=50)
    worker(query_after_seconds=1)
    refund_ids = refund_in_full(order_ids)
    wait_until(lambda: set(states(refund_ids)) == {"processing"}, timeout=20)
    sweep_until_settled(refund_ids, timeout=30)
    assert_each_paid_once(sandbox, refund_ids)


def _forged_refund_notification(api: str, refund: Refund, tmp_path) -> tuple[str, bytes, dict]:
    """(path, body, headers) of a 'refund succeeded' notification encrypted or signed with keys not WeChat's."""
    if api == "v3":
        from wechat_sandbox.keys import ensure_demo_keys
        stranger = ensure_demo_keys(tmp_path)
        plain = v3_reference.refund_plain("1900000109", str(refund.order_id), refund.out_refund_no,
                                          refund.amount_fen, refund.amount_fen)
        body, headers = v3_reference.notification(stranger, "REFUND.SUCCESS", plain)
        return "/api/wechat/v3/refund-notify", body, headers
    inner = signing.to_xml({"out_refund_no": refund.out_refund_no, "out_trade_no": f"{refund.order_id}",
                            "refund_status": "SUCCESS", "refund_fee": refund.amount_fen,
                            "total_fee": refund.amount_fen, "refund_id": "50forged"}, root="root")
    forged = signing.to_xml({"return_code": "SUCCESS", "appid": "wxsandboxappid0001", "mch_id": "1900000109",
                             "nonce_str": signing.nonce(),
                             "req_info": signing.encrypt_refund_info(inner, "not-the-merchant-api-key-000000")})
    return "/api/wechat/refund-notify", forged.encode("utf-8"), {}


def test_forged_refund_notification_changes_nothing(pgapp, sandbox, wechatpay_api, tmp_path):
    [order_id] = paid_orders(pgapp, sandbox, 1)
    [refund_id] = refund_in_full([order_id])  # no worker: stays pending
    path, body, headers = _forged_refund_notification(wechatpay_api, db.session.get(Refund, refund_id), tmp_path)
    reply = requests.post(f"{pgapp.config['PUBLIC_BASE_URL']}{path}", data=body, headers=headers, timeout=5)
    assert reply.status_code == 400
    assert states([refund_id]) == ["pending"]
    assert db.session.get(Order, order_id).refund_status == "refunding"
    assert payouts(sandbox) == {}

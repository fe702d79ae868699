"""`flask seed-history` (issue 12): days of demo orders made through the real services, booked in the
sandbox's store so WeChat's records and the shop's agree, with no reminder jobs for the past."""
from __future__ import annotations

from collections import Counter

from redis import Redis
from sqlalchemy import func, select

from shop.cli.history import seed_history
from shop.db import Order, Payment, Refund, StatsDaily
from shop.domain import clock
from shop.extensions import db


def sandbox_records(path):
    from wechat_sandbox.state import Payment as SandboxPayment, Refund as SandboxRefund
    from wechat_sandbox.store import Store, load

    store = Store(path)
    payments = {p.out_trade_no: p for p in (load(SandboxPayment, t) for t in store.rows("payment"))}
    refunds = {r.out_refund_no: r for r in (load(SandboxRefund, t) for t in store.rows("refund"))}
    return payments, refunds


def test_history_spreads_orders_over_the_days_and_wechat_agrees_with_the_shop(app, redis_url, tmp_path):
    state = tmp_path / "sandbox.sqlite"
    summary = seed_history(days=11, orders=70, sandbox_state=str(state), seed=7)
    assert summary.startswith("history: ")

    orders = db.session.scalars(select(Order)).all()
    assert len(orders) >= 45
    days = {clock.to_shanghai(o.created_at).date() for o in orders}
    assert len(days) >= 9, "orders are spread over the period"
    statuses = Counter(o.status for o in orders)
    for status in ("completed", "cancelled", "shipped"):
        assert statuses[status] > 0, statuses
    assert max(o.created_at for o in orders) < clock.now()

    # Every payment and refund the shop holds is one WeChat (the sandbox's store) holds, to the fen.
    payments, refunds = sandbox_records(state)
    paid = db.session.scalars(select(Payment).where(Payment.status == "paid")).all()
    assert paid and len(paid) == sum(1 for p in payments.values() if p.trade_state in ("SUCCESS", "REFUND"))
    for payment in paid:
        assert payments[payment.out_trade_no].total_fee == payment.amount_fen
        assert payments[payment.out_trade_no].transaction_id == payment.transaction_id
    ours = db.session.scalars(select(Refund)).all()
    assert ours, "history has refunds"
    assert {r.status for r in ours} == {"succeeded"}
    assert {r.out_refund_no: r.amount_fen for r in ours} == {n: r.refund_fee for n, r in refunds.items()}
    for order in orders:
        refunded = sum(r.amount_fen for r in ours if r.order_id == order.id)
        assert 0 <= refunded <= order.paid_fen

    # Nothing from the past waits in the queues, and the statistics have the days.
    redis = Redis.from_url(redis_url)
    assert not [k for k in redis.keys("rq:queue:*")], "no jobs were queued for history"
    assert db.session.scalar(select(func.count()).select_from(StatsDaily)) > 0


def test_history_is_made_once(app, tmp_path):
    seed_history(days=3, orders=6, sandbox_state=str(tmp_path / "sandbox.sqlite"), seed=1)
    count = db.session.scalar(select(func.count(Order.id)))
    assert seed_history(days=3, orders=6, sandbox_state=str(tmp_path / "sandbox.sqlite")).endswith(
        "nothing added")
    assert db.session.scalar(select(func.count(Order.id))) == count > 0

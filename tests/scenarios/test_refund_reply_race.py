"""WeChat's refund notification can settle a refund while WeChat's reply to the submission is still on its
way to the worker. The worker then records the accepted attempt against a row that changed under it: that
must not fail the job (it used to end in CONFLICT) nor undo what the notification settled. PostgreSQL."""
from __future__ import annotations

from sqlalchemy import create_engine, select, text

from shop.adapters.payments import RefundOutcome, RefundStatus
from shop.db import Refund, RefundAttempt
from shop.extensions import db
from shop.services import refunds
from shop.services.refunds import RefundState
from support.orders import paid_order
from support.shop import Shopper


def test_a_submission_reply_that_arrives_after_the_notification_settled_the_refund_is_logged_not_refused(
        pgapp, sandbox, monkeypatch):
    order = paid_order(Shopper(pgapp.test_client()), sandbox)
    refund_id = _pending_refund(order["id"], order["paid_fen"])
    refund = db.session.get(Refund, refund_id)
    out_refund_no, amount = refund.out_refund_no, refund.amount_fen
    db.session.commit()

    # The notification's settle commits from another connection just after the worker has read the row.
    other = create_engine(db.engine.url)
    real_attempt = refunds.RefundAttempt
    raced = []

    def attempt_after_the_notification(*args, **kwargs):
        if not raced:
            raced.append(True)
            with other.begin() as conn:
                conn.execute(text("UPDATE refunds SET status = 'succeeded', version = version + 1 WHERE id = :id"),
                             {"id": refund_id})
        return real_attempt(*args, **kwargs)

    monkeypatch.setattr(refunds, "RefundAttempt", attempt_after_the_notification)
    state = refunds._record_accepted(refund_id, 1, RefundOutcome(RefundStatus.ACCEPTED, out_refund_no,
                                                                  wechat_refund_id="50000001", amount_fen=amount),
                                     "worker")
    other.dispose()

    assert raced and state == RefundState.SUCCEEDED
    row = db.session.get(Refund, refund_id, populate_existing=True)
    assert row.status == "succeeded"
    assert db.session.scalar(select(RefundAttempt.outcome).where(RefundAttempt.refund_id == refund_id)) == "accepted"


def _pending_refund(order_id: int, amount: int) -> int:
    from shop.db import Order
    from shop.domain.actors import Actor
    from shop.services.uow import transaction

    with transaction() as tx:
        order = db.session.get(Order, order_id)
        return refunds.create_refund(order, amount, source="manual", reason="测试", actor=Actor.system(), tx=tx).id

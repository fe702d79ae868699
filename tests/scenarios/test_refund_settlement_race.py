"""Two refunds of one order settling at the same moment (two notifications on two gunicorn workers):
the order's refund_status must come out of both, not from whichever read the other as still open."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import update

from shop.adapters.payments import RefundOutcome, RefundStatus
from shop.db import Order, Refund
from shop.domain.actors import Actor
from shop.extensions import db
from shop.services import refunds
from shop.services.uow import transaction
from support.orders import paid_order
from support.shop import Shopper

pytestmark = pytest.mark.postgres_only


def test_two_refunds_settling_together_leave_the_order_refunded(pgapp, sandbox, monkeypatch):
    order = paid_order(Shopper(pgapp.test_client()), sandbox)
    half = order["paid_fen"] // 2
    with transaction() as tx:
        row = db.session.get(Order, order["id"])
        pair = [refunds.create_refund(row, amount, source="staff", reason="测试", actor=Actor.system(), tx=tx)
                for amount in (half, order["paid_fen"] - half)]
        numbers = [r.out_refund_no for r in pair]
        db.session.execute(update(Refund).where(Refund.order_id == order["id"]).values(status="processing"))
    # Both settlements have written their refund row (not committed) before either recomputes the order:
    # the moment two notifications arrive together.
    both_written = threading.Barrier(2, timeout=20)
    recompute = refunds.refresh_order_refund_status

    def recompute_after_both_wrote(row):
        db.session.flush()
        both_written.wait()
        recompute(row)

    monkeypatch.setattr(refunds, "refresh_order_refund_status", recompute_after_both_wrote)
    errors = []

    def settle(out_refund_no):
        with pgapp.app_context():
            try:
                refunds.settle_refund(RefundOutcome(RefundStatus.SUCCEEDED, out_refund_no))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=settle, args=(number,)) for number in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    db.session.expire_all()
    assert [r.status for r in db.session.query(Refund).filter_by(order_id=order["id"])] == ["succeeded"] * 2
    assert db.session.get(Order, order["id"]).refund_status == "refunded"

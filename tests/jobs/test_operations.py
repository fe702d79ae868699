"""Operations around the refund engine and the stock (R3, R6, I1–I3, K1), on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import func, select

from shop.adapters.payments import BillRefund, RefundStatus
from shop.db import Coupon, Order, Refund, RefundAttempt, Shopper, ShopperCoupon, StockLedger, StockSyncEvent
from shop.domain import clock
from shop.domain.actors import Actor
from shop.domain.errors import DomainError
from shop.extensions import db
from shop.services import inventory, inventory_sync, reconciliation, refunds, risk, stock_reports
from shop.services.reconciliation import compare
from shop.services.uow import transaction
from support.services import wait_until
from support.shop import Shopper as ShopperClient
from support.shop import first_sku_id, sku_stock

FINANCE = Actor.staff(4, "赵财务", "finance")
WAREHOUSE = Actor.staff(5, "陈仓管", "warehouse")


def paid_order(client, sandbox, code="alice", items=None) -> int:
    shopper = ShopperClient(client, code)
    order = shopper.order(items)
    shopper.pay(order, sandbox)
    wait_until(lambda: shopper.detail(order["id"])["status"] == "paid")
    return order["id"]


def refund(order_id: int, amount: int | None = None, method: str = "wechat") -> int:
    with transaction() as tx:
        order = db.session.get(Order, order_id)
        return refunds.create_refund(order, amount or order.paid_fen, source="manual", reason="测试", actor=FINANCE,
                                     tx=tx, method=method).id


def settled(refund_id: int) -> Refund:
    refunds.submit_refund(refund_id)
    wait_until(lambda: db.session.get(Refund, refund_id, populate_existing=True).status == "succeeded")
    return db.session.get(Refund, refund_id)


# ---- R3 ----------------------------------------------------------------------------------


def test_balance_refund_is_paid_at_once_to_the_shoppers_balance(client, sandbox):
    order_id = paid_order(client, sandbox)
    order = db.session.get(Order, order_id)
    refund_id = refund(order_id, method="balance")
    assert db.session.get(Refund, refund_id).status == "succeeded"
    assert db.session.get(Shopper, order.shopper_id, populate_existing=True).balance_fen == order.paid_fen
    assert sandbox.listing("refunds") == []


def test_refunds_can_never_add_up_to_more_than_was_paid(client, sandbox):
    order_id = paid_order(client, sandbox)
    paid = db.session.get(Order, order_id).paid_fen
    refund(order_id, paid - 1)
    with pytest.raises(DomainError) as caught:
        refund(order_id, 2)
    assert caught.value.code.name == "REFUND_EXCEEDS_PAID"
    assert db.session.get(Order, order_id, populate_existing=True).refunded_fen == paid - 1


def test_compensation_coupon_is_granted_to_the_orders_shopper_and_recorded(client, sandbox):
    order_id = paid_order(client, sandbox)
    coupon_id = db.session.scalar(select(Coupon.id).order_by(Coupon.id))
    granted = refunds.grant_compensation_coupon(order_id, FINANCE, coupon_id)
    row = db.session.get(ShopperCoupon, granted.id)
    assert (row.source, row.status, row.shopper_id) == ("compensation", "available",
                                                        db.session.get(Order, order_id).shopper_id)
    with pytest.raises(DomainError) as caught:
        refunds.grant_compensation_coupon(order_id, FINANCE, 9999)
    assert caught.value.code.name == "COUPON_NOT_FOUND"


def test_a_compensation_coupon_counts_against_the_templates_total_and_a_stopped_one_is_not_given(client, sandbox):
    order_id = paid_order(client, sandbox)
    coupon = db.session.scalar(select(Coupon).order_by(Coupon.id))
    coupon.total_count, coupon.issued_count = coupon.issued_count + 1, coupon.issued_count
    db.session.commit()
    refunds.grant_compensation_coupon(order_id, FINANCE, coupon.id)
    assert db.session.get(Coupon, coupon.id, populate_existing=True).issued_count == coupon.total_count
    with pytest.raises(DomainError) as caught:  # the total is reached
        refunds.grant_compensation_coupon(order_id, FINANCE, coupon.id)
    assert caught.value.code.name == "COUPON_NOT_GRANTABLE"
    other = db.session.scalars(select(Coupon).order_by(Coupon.id)).all()[1]
    other.status = "stopped"
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        refunds.grant_compensation_coupon(order_id, FINANCE, other.id)
    assert "停用" in caught.value.message
    assert db.session.scalar(select(func.count(ShopperCoupon.id)).where(ShopperCoupon.source == "compensation")) == 1


def test_manual_retry_is_refused_for_a_refund_that_is_not_abnormal(client, sandbox):
    refund_id = refund(paid_order(client, sandbox))
    settled(refund_id)
    with pytest.raises(DomainError) as caught:
        refunds.retry_abnormal_refund(refund_id, FINANCE)
    assert caught.value.code.name == "REFUND_NOT_RETRYABLE"


def test_timeout_then_retry_with_the_same_out_refund_no_pays_once(client, sandbox):
    refund_id = refund(paid_order(client, sandbox))
    sandbox.fault("refund", "lost_reply")  # WeChat books it, the answer never comes back
    try:
        refunds.submit_refund(refund_id)
    except refunds.RefundAttemptFailed:
        pass  # the usual case; unless the refund notification arrived before our timeout
    attempt = db.session.scalar(select(RefundAttempt).where(RefundAttempt.refund_id == refund_id))
    assert (attempt.outcome, attempt.error_code) == ("failed", "TIMEOUT")
    clock.advance(timedelta(seconds=5))
    row = settled(refund_id)
    assert [r["out_refund_no"] for r in sandbox.listing("refunds")] == [row.out_refund_no]


# ---- R6 ----------------------------------------------------------------------------------


def today():
    return clock.to_shanghai(clock.now()).date()


def test_reconciliation_matches_when_bill_and_ledger_agree(client, sandbox):
    settled(refund(paid_order(client, sandbox)))
    run = reconciliation.reconcile_refunds(today())
    assert (run.status, run.bill_rows, run.ledger_rows, run.mismatches) == ("matched", 1, 1, 0)


def test_reconciliation_lists_refunds_the_bill_lacks_and_different_outcomes(client, sandbox):
    settled(refund(paid_order(client, sandbox)))
    disagreeing = settled(refund(paid_order(client, sandbox, "bob")))
    disagreeing.status = "abnormal"
    ghost = refund(paid_order(client, sandbox, "carol"), method="balance")
    db.session.get(Refund, ghost).method, db.session.get(Refund, ghost).submitted_at = "wechat", clock.now()
    db.session.commit()

    run = reconciliation.reconcile_refunds(today())
    assert (run.status, run.mismatches) == ("mismatched", 2)
    found = {m["kind"]: m for m in reconciliation.list_mismatches(run.id)}
    assert found["status"]["ledger_status"] == "abnormal" and found["status"]["bill_status"] == "SUCCESS"
    assert found["missing_in_bill"]["kind_label"] == "系统有、微信无"
    resolved = reconciliation.resolve_mismatch(found["status"]["id"], FINANCE, "已与微信核实")
    assert resolved["resolved"] and len(reconciliation.list_mismatches(run.id)) == 1


def test_comparison_flags_unknown_refunds_and_amount_differences():
    class Row:
        def __init__(self, amount, status):
            self.amount_fen, self.status = amount, status
    def line(out_refund_no, amount, status):
        return BillRefund(out_refund_no=out_refund_no, out_trade_no="T1", refund_id="50" + out_refund_no,
                          refund_fen=amount, status=status, bill_status=status.name)
    bill = [line("R1", 100, RefundStatus.SUCCEEDED), line("R2", 250, RefundStatus.SUCCEEDED),
            line("R3", 300, RefundStatus.PROCESSING)]
    ledger = {"R2": Row(200, "succeeded"), "R3": Row(300, "succeeded")}
    kinds = {m["out_refund_no"]: m["kind"] for m in compare(bill, ledger, {})}
    assert kinds == {"R1": "missing_in_ledger", "R2": "amount"}


# ---- I1 / I3 -----------------------------------------------------------------------------


def test_stock_equals_the_ledger_and_a_direct_edit_is_reported(client, sandbox):
    ShopperClient(client).order([(first_sku_id(), 2)])
    assert stock_reports.reconcile_stock() == []
    sku = first_sku_id()
    db.session.execute(db.text("UPDATE skus SET stock = stock + 3 WHERE id = :id"), {"id": sku})
    db.session.commit()
    [difference] = stock_reports.reconcile_stock()
    assert (difference["sku_id"], difference["difference"]) == (sku, 3)


def test_staff_adjustment_is_recorded_and_never_takes_stock_below_zero(client):
    sku = first_sku_id()
    before = sku_stock(sku)
    with transaction():
        inventory.adjust(sku, -5, "盘点少 5 件", operator_id=5)
    assert sku_stock(sku) == before - 5
    rows, total = stock_reports.ledger(sku)
    assert (rows[0]["kind_label"], rows[0]["change"], rows[0]["note"]) == ("人工调整", -5, "盘点少 5 件")
    for change, note, code in [(-10_000, "清空", "OUT_OF_STOCK"), (0, "无", "VALIDATION_ERROR"), (3, " ", "VALIDATION_ERROR")]:
        with pytest.raises(DomainError) as caught, transaction():
            inventory.adjust(sku, change, note, operator_id=5)
        assert caught.value.code.name == code
    assert sku_stock(sku) == before - 5
    assert stock_reports.reconcile_stock() == []


def test_purchase_advice_counts_units_released_by_cancels_and_returned_by_after_sales(client, sandbox):
    alice = ShopperClient(client)
    sku = first_sku_id()
    order = alice.order([(sku, 3)])
    from shop.services import ordering
    with transaction() as tx:
        ordering.cancel_unpaid(db.session.get(Order, order["id"]), Actor.shopper(alice.user["id"]), "cancelled",
                               "改变主意", tx)
    start = clock.now() - timedelta(hours=1)
    [advice] = stock_reports.purchase_advice(start, clock.now() + timedelta(hours=1))
    assert (advice["sku_id"], advice["released_by_cancel"], advice["returned_by_after_sale"]) == (sku, 3, 0)
    assert stock_reports.purchase_advice(start - timedelta(days=2), start) == []


# ---- I2 ----------------------------------------------------------------------------------


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    fail_next = 0

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.fail_next:
            Receiver.fail_next -= 1
            self.send_response(503)
        else:
            Receiver.received.append((body, self.headers["X-Shop-Signature"]))
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def wms(app):
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Receiver.received, Receiver.fail_next = [], 0
    app.config.update(WMS_WEBHOOK_URL=f"http://127.0.0.1:{server.server_port}/stock", WMS_WEBHOOK_SECRET="s3cret")
    yield Receiver
    app.config.update(WMS_WEBHOOK_URL="", WMS_WEBHOOK_SECRET="")
    server.shutdown()


def test_sync_is_off_by_default_and_records_nothing(client):
    ShopperClient(client).order()
    assert db.session.scalar(select(func.count()).select_from(StockSyncEvent)) == 0
    assert inventory_sync.push_pending()["enabled"] is False


def test_every_stock_change_is_pushed_signed_and_retried_until_the_wms_accepts(client, wms):
    sku = first_sku_id()
    ShopperClient(client).order([(sku, 2)])
    with transaction():
        inventory.adjust(sku, 4, "到货", operator_id=5)
    wms.fail_next = 1
    assert inventory_sync.push_pending() == {"sent": 0, "failed": 2, "enabled": True}
    assert inventory_sync.push_pending() == {"sent": 2, "failed": 0, "enabled": True}
    [(body, signature)] = wms.received
    assert signature == hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    events = json.loads(body)["events"]
    assert [(e["kind"], e["change"]) for e in events] == [("reserve", -2), ("adjust", 4)]
    assert events[-1]["stock"] == sku_stock(sku)
    assert inventory_sync.push_pending()["sent"] == 0
    ledger_rows = db.session.scalar(select(func.count()).select_from(StockLedger).where(StockLedger.kind != "initial"))
    assert ledger_rows == 2


def test_the_warehouse_hears_of_every_applied_order_change(client, sandbox, wms):
    alice = ShopperClient(client)
    order_id = paid_order(client, sandbox)
    reply = alice.patch(f"/orders/{order_id}", {"receiver_phone": "13900139000", "remark": "请周末送货"})
    assert reply.status_code == 200, reply.get_json()
    inventory_sync.push_backlog()
    events = [e for body, _ in wms.received for e in json.loads(body)["events"]]
    [change] = [e for e in events if e["type"] == "order_change"]
    assert change["order_id"] == order_id
    assert change["changes"]["receiver_phone"]["after"] == "13900139000"
    assert change["changes"]["remark"]["after"] == "请周末送货"


def test_a_backlog_larger_than_one_batch_is_drained_in_one_run(client, wms, monkeypatch):
    monkeypatch.setattr(inventory_sync, "BATCH_SIZE", 2)
    sku = first_sku_id()
    for n in range(5):
        with transaction():
            inventory.adjust(sku, 1, f"到货 {n}", operator_id=5)
    assert inventory_sync.push_backlog() == {"sent": 5, "failed": 0, "enabled": True}
    assert [len(json.loads(body)["events"]) for body, _ in wms.received] == [2, 2, 1]


# ---- K1 ----------------------------------------------------------------------------------


def test_many_refunds_flag_the_shopper_with_reasons_unless_allow_listed(client, sandbox, app):
    app.extensions["shop.deps"].policy = type(app.extensions["shop.deps"].policy)(risk_max_refunds=1)
    try:
        orders = [paid_order(client, sandbox) for _ in range(2)]
        shopper_id = db.session.get(Order, orders[0]).shopper_id
        for order_id in orders:
            refund(order_id)
        assert risk.metrics(shopper_id)["refunds"] == 2
        reasons = risk.evaluate(shopper_id)
        assert any("退款 2 次" in r for r in reasons)
        assert risk.is_watchlisted(shopper_id)
        rows, total = risk.list_shoppers()
        assert total == 1 and rows[0]["risk_reasons"][0]["reason"] == reasons[0]

        risk.allow_list(shopper_id, FINANCE)
        risk.evaluate(shopper_id)
        assert not risk.is_watchlisted(shopper_id)
        assert risk.list_shoppers()[1] == 0
    finally:
        app.extensions["shop.deps"].policy = type(app.extensions["shop.deps"].policy)()


def test_staff_flag_needs_a_reason_and_unflag_clears_it(client):
    shopper_id = ShopperClient(client).user["id"]
    with pytest.raises(DomainError):
        risk.flag(shopper_id, FINANCE, "")
    risk.flag(shopper_id, FINANCE, "疑似职业索赔")
    assert risk.is_watchlisted(shopper_id)
    assert db.session.get(Shopper, shopper_id).risk_reasons[0]["by"] == "赵财务"
    risk.unflag(shopper_id, FINANCE)
    assert not risk.is_watchlisted(shopper_id)
    with pytest.raises(DomainError) as caught:
        risk.flag(99999, FINANCE, "x")
    assert caught.value.code.name == "SHOPPER_NOT_FOUND"

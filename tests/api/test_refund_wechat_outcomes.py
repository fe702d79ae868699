"""WeChat's refund outcomes kept apart from our own "retries used up" (W2), and how finance resolves them.

A refund WeChat ends ABNORMAL (the shopper's card is closed) is `wechat_abnormal`; one it ends CLOSED
is `closed`; our own `abnormal` stays for retries used up. Finance re-routes a WeChat-abnormal refund
(apply-abnormal-refund, v3 only) or moves it to store balance, and re-issues a closed one as a new row.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.adapters.payments import RefundOutcome, RefundStatus
from shop.adapters.refund_pacer import PREFIX
from shop.db import Order, Refund, Shopper as ShopperRow
from shop.domain.actors import Actor
from shop.extensions import db
from shop.services import refunds
from shop.services.context import deps
from shop.services.uow import transaction
from support.orders import paid_order, refunds_of
from support.services import wait_until
from support.shop import Shopper
from support.staff import Staff
from support.workers import run_jobs


def refund_ending(app, sandbox, outcome: str) -> tuple[dict, Refund]:
    """A paid order refunded in full, which WeChat accepts and then ends with `outcome`."""
    order = paid_order(Shopper(app.test_client()), sandbox)
    sandbox.fault("v3_refund", outcome, times=1)
    with transaction() as tx:
        row = db.session.get(Order, order["id"])
        refund_id = refunds.create_refund(row, row.paid_fen, source="manual", reason="测试", actor=Actor.system(),
                                          tx=tx).id
    run_jobs()
    wait_until(lambda: refunds_of(order["id"])[0].status not in ("pending", "processing"))
    return order, db.session.get(Refund, refund_id)


def ledger_row(staff: Staff, refund_id: int) -> dict:
    return staff.ok("GET", f"/refunds/{refund_id}")


def test_wechat_abnormal_is_kept_apart_from_retries_used_up_and_finance_sees_how_to_resolve_it(app, sandbox):
    order, refund = refund_ending(app, sandbox, "ABNORMAL")

    assert (refund.status, refund.last_error_code) == ("wechat_abnormal", "WECHAT_ABNORMAL")
    row = ledger_row(Staff(app.test_client(), "finance"), refund.id)
    assert row["status_label"] == "微信退款异常"
    assert row["actions"] == ["reroute_to_user_bank_card", "reroute_to_merchant_bank_card", "refund_to_balance"]
    assert row["action_labels"]["refund_to_balance"] == "改退到余额"
    assert ledger_row(Staff(app.test_client(), "supervisor"), refund.id)["actions"] == []  # may look, not act
    shopper_view = Shopper(app.test_client()).detail(order["id"])
    assert shopper_view["refund_status"] == "refund_failed"
    [shown] = shopper_view["refunds"]
    assert shown["status_label"] == "微信退款异常"
    assert shown["expected_arrival"].startswith("微信未能退回原支付账户")  # not "1-3 个工作日内原路退回"


def test_finance_reroutes_a_wechat_abnormal_refund_to_the_merchants_bank_card_and_it_is_paid_once(app, sandbox):
    order, refund = refund_ending(app, sandbox, "ABNORMAL")
    finance = Staff(app.test_client(), "finance")

    row = finance.ok("POST", f"/refunds/{refund.id}/reroute", json={"route": "merchant_bank_card"})

    # WeChat's success notification may arrive before the answer is read (seen on a loaded machine, CI 2026-12-02)
    assert row["status"] in ("processing", "succeeded")
    assert (row["abnormal_route"], row["actions"]) == ("merchant_bank_card", [])
    wait_until(lambda: refunds_of(order["id"])[0].status == "succeeded")
    assert [r["out_refund_no"] for r in sandbox.listing("refunds")] == [refund.out_refund_no]
    [log] = Staff(app.test_client(), "admin").ok("GET", "/audit-logs",
                                                 query={"action": "refund.reroute_to_merchant_bank_card"})["items"]
    assert log["after"]["abnormal_route"] == "merchant_bank_card"


def test_rerouting_to_the_shoppers_card_needs_the_card_and_a_bad_request_changes_nothing(app, sandbox):
    _, refund = refund_ending(app, sandbox, "ABNORMAL")
    finance = Staff(app.test_client(), "finance")

    reply = finance.post(f"/refunds/{refund.id}/reroute", json={"route": "user_bank_card"})

    assert reply.status_code == 422 and reply.get_json()["error"]["message"].startswith("退到顾客银行卡需填写")
    assert ledger_row(finance, refund.id)["status"] == "wechat_abnormal"
    row = finance.ok("POST", f"/refunds/{refund.id}/reroute", json={
        "route": "user_bank_card", "bank_type": "ICBC_DEBIT", "bank_account": "6222020200112233445",
        "real_name": "张三"})
    assert row["abnormal_route"] == "user_bank_card"


def test_a_closed_refund_is_reissued_as_a_new_refund_and_the_old_one_is_kept(app, sandbox):
    order, closed = refund_ending(app, sandbox, "CLOSED")
    closed_id, closed_no, status = closed.id, closed.out_refund_no, closed.status
    assert status == "closed"
    finance = Staff(app.test_client(), "finance")
    assert ledger_row(finance, closed_id)["actions"] == ["reissue", "refund_to_balance"]

    new = finance.ok("POST", f"/refunds/{closed_id}/reissue")
    run_jobs()
    assert refunds_of(order["id"])[-1].status == "pending"  # WeChat wants a minute between an order's refunds
    deps().jobs.connection.delete(f"{PREFIX}:order:{order['id']}")  # ... and that minute has passed
    refunds.submit_refund(new["id"])

    assert new["id"] != closed_id and new["out_refund_no"] != closed_no
    wait_until(lambda: refunds_of(order["id"])[-1].status == "succeeded")
    old_row = ledger_row(finance, closed_id)
    assert (old_row["status"], old_row["replaced_by_id"], old_row["actions"]) == ("closed", new["id"], [])
    db.session.expire_all()
    order_row = db.session.get(Order, order["id"])
    assert (order_row.refund_status, order_row.refunded_fen) == ("refunded", order_row.paid_fen)
    paid_out = [r["out_refund_no"] for r in sandbox.listing("refunds") if r["status"] == "SUCCESS"]
    assert paid_out == [new["out_refund_no"]]


def test_a_wechat_abnormal_refund_moved_to_balance_pays_the_shopper_once(app, sandbox):
    order, refund = refund_ending(app, sandbox, "ABNORMAL")
    finance = Staff(app.test_client(), "finance")
    shopper_id = db.session.get(Order, order["id"]).shopper_id

    new = finance.ok("POST", f"/refunds/{refund.id}/to-balance")
    again = finance.post(f"/refunds/{refund.id}/to-balance")

    assert (new["method"], new["status"]) == ("balance", "succeeded")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "REFUND_ACTION_NOT_ALLOWED"
    db.session.expire_all()
    assert db.session.get(ShopperRow, shopper_id).balance_fen == refund.amount_fen
    assert db.session.get(Order, order["id"]).refund_status == "refunded"


def test_customer_service_cannot_resolve_refunds(app, sandbox):
    _, refund = refund_ending(app, sandbox, "CLOSED")
    reply = Staff(app.test_client(), "customer_service").post(f"/refunds/{refund.id}/reissue")
    assert reply.status_code == 403
    assert db.session.scalar(select(Refund.replaced_by_id).where(Refund.id == refund.id)) is None


@pytest.mark.parametrize("wechatpay_api", ["v2"], indirect=True)
def test_in_v2_mode_rerouting_is_refused_clearly(app, sandbox, wechatpay_api):
    order = paid_order(Shopper(app.test_client()), sandbox)
    with transaction() as tx:
        row = db.session.get(Order, order["id"])
        refund = refunds.create_refund(row, row.paid_fen, source="manual", reason="测试", actor=Actor.system(), tx=tx)
    refunds.settle_refund(RefundOutcome(RefundStatus.WECHAT_ABNORMAL, refund.out_refund_no))

    reply = Staff(app.test_client(), "finance").post(f"/refunds/{refund.id}/reroute",
                                                     json={"route": "merchant_bank_card"})

    assert reply.status_code == 409
    assert reply.get_json()["error"]["code"] == "REFUND_REROUTE_UNSUPPORTED"
    assert "余额" in reply.get_json()["error"]["message"]
    assert db.session.get(Refund, refund.id, populate_existing=True).status == "wechat_abnormal"

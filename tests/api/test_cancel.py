"""C1–C6 through the mini-program API and the review services, on SQLite and PostgreSQL."""
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.db import Message, OrderRequest, Shopper, ShopperCoupon, SubscribeMessage
from shop.domain import clock
from shop.domain.errors import DomainError
from shop.extensions import db
from shop.services import cancellation, reviews
from shop.services.context import deps
from support.workers import run_jobs
from support.orders import give_coupon, paid_order, refunds_of, staff
from support.services import wait_until
from support.shop import Shopper as ShopperDriver, first_sku_id, sku_stock


def cancel(shopper, order_id, code="changed_mind", text=""):
    return shopper.post(f"/orders/{order_id}/cancel", {"reason_code": code, "reason_text": text})


def cancel_request(shopper, sandbox, code="changed_mind", text="") -> tuple[dict, int]:
    """A paid order cancelled after the free window: (order, the cancel request waiting for staff)."""
    order = paid_order(shopper, sandbox)
    clock.advance(timedelta(minutes=40))
    cancel(shopper, order["id"], code, text)
    return order, db.session.scalar(select(OrderRequest.id).where(OrderRequest.order_id == order["id"]))


def test_unpaid_order_is_cancelled_at_once_and_stock_comes_back(client):
    alice = ShopperDriver(client)
    sku = first_sku_id()
    before = sku_stock(sku)
    order = alice.order([(sku, 2)])
    reply = cancel(alice, order["id"], "wrong_item")
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert body["status"] == "cancelled" and body["cancel_reason_code"] == "wrong_item"
    assert sku_stock(sku) == before
    assert refunds_of(order["id"]) == []
    assert "feedback" in body["actions"] and "delete" in body["actions"]
    # The cancel's event and its notice are written in one INSERT: in that order, in the answer and read back.
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds == ["placed", "cancelled", "decision_notice"]
    assert [e["kind"] for e in alice.detail(order["id"])["timeline"]] == kinds
    assert [e["id"] for e in body["timeline"]] == sorted(e["id"] for e in body["timeline"])
    messages = alice.get("/messages").get_json()
    assert messages["items"][0]["kind"] == "cancel_result" and messages["unread"] == 1


def test_paid_order_cancelled_within_window_is_refunded_in_full(client, sandbox):
    alice = ShopperDriver(client)
    sku = first_sku_id()  # 2900 fen: under the free-shipping threshold, so 800 fen shipping is paid too
    before = sku_stock(sku)
    order = paid_order(alice, sandbox, [(sku, 1)])
    assert order["shipping_fen"] == 800
    body = cancel(alice, order["id"]).get_json()
    assert body["status"] == "cancelled"
    [refund] = refunds_of(order["id"])
    assert (refund.amount_fen, refund.source, refund.shipping_fen) == (order["total_fen"], "cancel", 800)
    assert sku_stock(sku) == before
    out_refund_no = refund.out_refund_no
    run_jobs()
    wait_until(lambda: alice.detail(order["id"])["refund_status"] == "refunded")
    paid_out = [r for r in sandbox.listing("refunds") if r["out_refund_no"] == out_refund_no]
    assert [r["refund_fee"] for r in paid_out] == [order["total_fen"]]
    kinds = [m["kind"] for m in alice.get("/messages").get_json()["items"]]
    assert kinds[:2] == ["refund_succeeded", "cancel_result"]


def test_paid_order_cancelled_after_window_becomes_a_request_staff_approve(client, sandbox):
    alice = ShopperDriver(client)
    order = paid_order(alice, sandbox)
    clock.advance(timedelta(minutes=31))
    body = cancel(alice, order["id"], "other", "买重复了").get_json()
    assert body["status"] == "paid"
    assert body["open_request"]["kind"] == "cancel" and body["open_request"]["reason_text"] == "买重复了"
    assert "cancel" not in body["actions"] and "modify" not in body["actions"]
    assert refunds_of(order["id"]) == []

    items, total = reviews.list_requests(kind="cancel")
    assert total == 1 and items[0]["order_no"] == order["order_no"] and items[0]["reason_label"] == "其他"
    reviews.approve(items[0]["id"], staff("supervisor"))
    after = alice.detail(order["id"])
    assert after["status"] == "cancelled" and after["open_request"] is None
    assert [r.amount_fen for r in refunds_of(order["id"])] == [order["total_fen"]]
    assert "cancel_approved" in [e["kind"] for e in after["timeline"]]


def test_rejected_cancel_request_keeps_the_order_and_tells_the_shopper_why(client, sandbox):
    alice = ShopperDriver(client)
    order, request_id = cancel_request(alice, sandbox)
    with pytest.raises(DomainError) as missing_reason:
        reviews.reject(request_id, staff("service"), " ")
    assert missing_reason.value.details == {"reason": "必填"}
    reviews.reject(request_id, staff("service"), "商品已打包出库")
    after = alice.detail(order["id"])
    assert after["status"] == "paid" and after["open_request"] is None and "cancel" in after["actions"]
    message = alice.get("/messages").get_json()["items"][0]
    assert message["title"] == "取消申请未通过" and "商品已打包出库" in message["body"]
    with pytest.raises(DomainError) as again:
        reviews.approve(request_id, staff("supervisor"))
    assert again.value.code.name == "REQUEST_ALREADY_DECIDED"


def test_customer_service_may_not_approve_a_cancel_request(client, sandbox):
    alice = ShopperDriver(client)
    order, request_id = cancel_request(alice, sandbox)
    with pytest.raises(DomainError) as refused:
        reviews.approve(request_id, staff("service"))
    assert refused.value.code.name == "FORBIDDEN"
    assert alice.detail(order["id"])["status"] == "paid"


def test_staff_offer_an_alternative_instead_of_cancelling(client, sandbox):
    alice = ShopperDriver(client)
    order, request_id = cancel_request(alice, sandbox, "found_better")
    reviews.offer_alternative(request_id, staff("service"), {"kind": "faster_shipping", "message": "今天顺丰发出"})
    detail = alice.detail(order["id"])
    assert detail["open_request"]["alternative"] == {"kind": "faster_shipping", "text": "加急发货（今天顺丰发出）",
                                                     "answer": None}  # the shopper has not answered yet
    assert "加急发货" in alice.get("/messages").get_json()["items"][0]["body"]


def test_shipped_order_cannot_be_cancelled(client, sandbox):
    from shop.services import ordering
    alice = ShopperDriver(client)
    order = paid_order(alice, sandbox)
    ordering.ship_order(order["id"], staff("warehouse"), "顺丰速运", "SF1234567890")
    reply = cancel(alice, order["id"])
    assert reply.status_code == 409
    assert reply.get_json()["error"] == {"code": "ORDER_NOT_CANCELLABLE", "message": "订单已发货，无法取消，请申请售后"}
    assert alice.get("/messages").get_json()["items"][0]["kind"] == "shipped"


def test_bad_reason_is_refused_and_changes_nothing(client):
    alice = ShopperDriver(client)
    order = alice.order()
    for code, text, field in (("because", "", "reason_code"), ("other", "", "reason_text")):
        reply = cancel(alice, order["id"], code, text)
        assert reply.status_code == 422
        assert field in reply.get_json()["error"]["details"]
    assert alice.detail(order["id"])["status"] == "pending_payment"
    assert cancel(alice, order["id"] + 1000).status_code == 404


def test_cancel_reasons_are_listed_for_the_dialog(client):
    reasons = client.get("/api/mp/cancel-reasons").get_json()
    assert {"code": "other", "label": "其他", "text_required": True} in reasons
    assert [r["label"] for r in reasons][:2] == ["改变主意", "选错商品"]


def test_watchlisted_shopper_inside_the_window_goes_to_review(client, sandbox):
    alice = ShopperDriver(client)
    order = paid_order(alice, sandbox)
    db.session.get(Shopper, alice.user["id"]).risk_flagged = True
    db.session.commit()
    body = cancel(alice, order["id"]).get_json()
    assert body["status"] == "paid" and body["open_request"]["kind"] == "cancel"


def test_staff_cancel_respects_roles_and_rechecks_the_password_for_large_amounts(client, sandbox):
    alice = ShopperDriver(client)
    order = paid_order(alice, sandbox)
    original = deps().policy
    deps().policy = replace(original, staff_cancel_recheck_fen=100)
    try:
        for actor, password, code in ((staff("service"), None, "FORBIDDEN"),
                                      (staff("supervisor"), None, "PASSWORD_REQUIRED"),
                                      (staff("supervisor"), "wrong-password", "PASSWORD_INCORRECT")):
            with pytest.raises(DomainError) as refused:
                cancellation.cancel_by_staff(order["id"], actor, "out_of_stock", "", password)
            assert refused.value.code.name == code
        assert alice.detail(order["id"])["status"] == "paid"
        cancellation.cancel_by_staff(order["id"], staff("supervisor"), "out_of_stock", "", "demo1234")
    finally:
        deps().policy = original
    detail = alice.detail(order["id"])
    assert detail["status"] == "cancelled" and detail["cancel_reason_code"] == "out_of_stock"
    assert [r.amount_fen for r in refunds_of(order["id"])] == [order["total_fen"]]


def test_feedback_after_cancel_once(client):
    alice = ShopperDriver(client)
    order = alice.order()
    assert alice.post(f"/orders/{order['id']}/feedback", {"rating": 5}).status_code == 409
    cancel(alice, order["id"])
    assert alice.post(f"/orders/{order['id']}/feedback", {"rating": 7}).status_code == 422
    reply = alice.post(f"/orders/{order['id']}/feedback", {"rating": 4, "text": "取消很方便"})
    assert reply.status_code == 201 and reply.get_json()["rating"] == 4
    assert alice.post(f"/orders/{order['id']}/feedback", {"rating": 5}).status_code == 409
    detail = alice.detail(order["id"])
    assert detail["feedback"]["text"] == "取消很方便" and "feedback" not in detail["actions"]
    items, total = cancellation.list_feedback()
    assert total == 1 and items[0]["cancel_reason_label"] == "改变主意"


def test_subscribe_message_is_sent_only_with_a_grant(client, sandbox):
    alice = ShopperDriver(client)
    first, second = alice.order(), alice.order()
    reply = alice.post("/subscriptions", {"templates": ["cancel_result"]})
    assert reply.get_json() == {"subscriptions": {"cancel_result": 1}}
    assert alice.post("/subscriptions", {"templates": ["nonsense"]}).status_code == 422
    cancel(alice, first["id"])
    cancel(alice, second["id"])
    run_jobs()
    db.session.expire_all()
    statuses = db.session.scalars(select(SubscribeMessage.status).order_by(SubscribeMessage.id)).all()
    assert statuses == ["sent", "skipped"]
    sent = sandbox.listing("messages")
    assert len(sent) == 1 and sent[0]["touser"] == "sandbox-alice"
    assert db.session.scalar(select(Message.id).where(Message.order_id == second["id"])) is not None


def test_cancel_returns_the_coupon_and_refunds_what_was_paid_after_the_discount(client, sandbox):
    alice = ShopperDriver(client)
    coupon_id = give_coupon(alice)
    order = alice.order([(first_sku_id(), 4)], coupon_id=coupon_id)  # 4 × 29.00 = 116.00, minus 10.00
    assert order["discount_fen"] == 1000
    alice.pay(order, sandbox)
    wait_until(lambda: alice.detail(order["id"])["status"] == "paid")
    cancel(alice, order["id"])
    assert [r.amount_fen for r in refunds_of(order["id"])] == [order["total_fen"]]
    db.session.expire_all()
    assert db.session.get(ShopperCoupon, coupon_id).status == "available"

"""R12 on every path that creates a refund, through the APIs: the order's cumulative refunds decide, so
splitting a refund, or reaching it by another route, changes nothing (issue 14 item 2, issue 10)."""
from datetime import timedelta

from sqlalchemy import select

from shop.db import Product, Sku
from shop.domain import clock
from shop.extensions import db
from shop.services import ordering
from support.orders import paid_order, refunds_of, staff
from support.shop import Shopper
from support.staff import Staff

PASSWORD = "demo1234"


def sku_of(product_name: str) -> int:
    return db.session.scalar(select(Sku.id).join(Product).where(Product.name == product_name).order_by(Sku.id))


def accepted_894_order(shopper, sandbox) -> dict:
    """Three 云南普洱 at ¥298: ¥894, accepted by the warehouse."""
    order = paid_order(shopper, sandbox, [(sku_of("云南普洱"), 3)])
    assert order["paid_fen"] == 89400
    ordering.accept_order(order["id"], staff("warehouse"))
    return shopper.detail(order["id"])


def refund_only(shopper, order, quantity) -> dict:
    reply = shopper.post(f"/orders/{order['id']}/after-sales", {
        "type": "refund_only", "reason_code": "not_wanted", "reason_text": "",
        "lines": [{"line_id": order["items"][0]["id"], "quantity": quantity}], "photos": []})
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()


def test_one_unit_after_sales_cases_are_judged_on_the_orders_cumulative_refund(client, sandbox):
    alice = Shopper(client, "alice")
    order = accepted_894_order(alice, sandbox)

    first = refund_only(alice, order, 1)
    second = refund_only(alice, order, 1)

    assert first["status"] == "completed" and first["refund"]["amount_fen"] == 29800  # ¥298 alone: automatic
    assert second["status"] == "pending" and second["refund"] is None  # ¥596 so far: a person decides
    assert [r.amount_fen for r in refunds_of(order["id"])] == [29800]
    summary = Staff(client, "supervisor").ok("GET", f"/after-sales/{second['id']}")["summary"]
    assert "退款金额超过自动审核上限" in summary["automatic_approval_blockers"]


def test_one_case_for_all_three_units_goes_to_review_too(client, sandbox):
    bob = Shopper(client, "bob")
    order = accepted_894_order(bob, sandbox)
    whole = refund_only(bob, order, 3)
    assert whole["status"] == "pending" and refunds_of(order["id"]) == []


def test_approving_a_case_over_the_role_limit_is_refused_and_over_the_threshold_needs_the_password(client, sandbox):
    alice = Shopper(client, "alice")
    order = accepted_894_order(alice, sandbox)
    refund_only(alice, order, 1)
    case = refund_only(alice, order, 1)
    path = f"/requests/{case['request_id']}/approve"

    by_service = Staff(client, "service").post(path, {})
    supervisor = Staff(client, "supervisor")
    without_password = supervisor.post(path, {})
    wrong_password = supervisor.post(path, {"password": "nope"})

    assert by_service.status_code == 403 and by_service.get_json()["error"]["code"] == "REFUND_OVER_ROLE_LIMIT"
    assert "¥596.00" in by_service.get_json()["error"]["message"]
    assert without_password.get_json()["error"]["code"] == "PASSWORD_REQUIRED"
    assert wrong_password.get_json()["error"]["code"] == "PASSWORD_INCORRECT"
    assert alice.get(f"/after-sales/{case['id']}").get_json()["status"] == "pending"
    assert supervisor.ok("POST", path, {"password": PASSWORD})["status"] == "approved"
    assert [r.amount_fen for r in refunds_of(order["id"])] == [29800, 29800]


def test_customer_service_refused_a_cancel_cannot_refund_by_lowering_the_quantity(client, sandbox):
    alice = Shopper(client, "alice")
    order = paid_order(alice, sandbox, [(sku_of("云南普洱"), 10), (sku_of("手工饼干"), 1)])
    assert order["paid_fen"] == 300500
    service, supervisor = Staff(client, "service"), Staff(client, "supervisor")
    tea = order["items"][0]
    lower = {"lines": [{"line_id": tea["id"], "quantity": 1}]}

    cancel = service.post(f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock"})
    lowered = service.post(f"/orders/{order['id']}/modify", lower)

    assert cancel.status_code == 403
    assert lowered.status_code == 403 and lowered.get_json()["error"]["code"] == "REFUND_OVER_ROLE_LIMIT"
    assert "¥2682.00" in lowered.get_json()["error"]["message"]
    assert alice.detail(order["id"])["items"][0]["refunded_quantity"] == 0 and refunds_of(order["id"]) == []
    assert supervisor.post(f"/orders/{order['id']}/modify", lower).get_json()["error"]["code"] == "PASSWORD_REQUIRED"
    done = supervisor.ok("POST", f"/orders/{order['id']}/modify", {**lower, "password": PASSWORD})
    assert [r["amount_fen"] for r in done["refunds"]] == [268200]


def test_a_597_order_cancelled_inside_the_free_window_goes_to_review_over_the_500_limit(client, sandbox):
    alice = Shopper(client, "alice")
    order = paid_order(alice, sandbox, [(sku_of("蓝牙耳机"), 3)])
    assert order["paid_fen"] == 59700

    body = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"}).get_json()

    assert body["status"] == "paid" and body["open_request"]["kind"] == "cancel"
    assert refunds_of(order["id"]) == []


def test_approving_a_cancel_request_over_the_threshold_needs_the_password(client, sandbox):
    alice = Shopper(client, "alice")
    order = paid_order(alice, sandbox, [(sku_of("蓝牙耳机"), 3)])
    clock.advance(timedelta(minutes=40))
    request_id = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"}).get_json()[
        "open_request"]["id"]
    supervisor = Staff(client, "supervisor")

    refused = supervisor.post(f"/requests/{request_id}/approve", {})

    assert refused.get_json()["error"]["code"] == "PASSWORD_REQUIRED"
    assert alice.detail(order["id"])["open_request"]["id"] == request_id
    assert supervisor.ok("POST", f"/requests/{request_id}/approve", {"password": PASSWORD})["status"] == "approved"
    assert [r.amount_fen for r in refunds_of(order["id"])] == [59700]


def test_a_shoppers_quantity_decrease_over_the_limit_becomes_a_request_and_a_small_one_applies(client, sandbox):
    alice = Shopper(client, "alice")
    order = paid_order(alice, sandbox, [(sku_of("云南普洱"), 3)])
    line_id = order["items"][0]["id"]

    large = alice.patch(f"/orders/{order['id']}", {"lines": [{"line_id": line_id, "quantity": 1}]}).get_json()
    assert large["open_request"]["kind"] == "modify" and refunds_of(order["id"]) == []
    Staff(client, "service").ok("POST", f"/requests/{large['open_request']['id']}/reject", {"reason": "请联系客服"})

    small = alice.patch(f"/orders/{order['id']}", {"lines": [{"line_id": line_id, "quantity": 2}]}).get_json()
    assert small["open_request"] is None and [r["amount_fen"] for r in small["refunds"]] == [29800]

"""The shopper withdraws a pending request, and answers a staff alternative (A7, C4)."""
from datetime import timedelta

from sqlalchemy import select

from shop.db import Product, Sku, StockLedger
from shop.domain import clock
from shop.extensions import db
from shop.services import ordering
from support.orders import paid_order, refunds_of, staff
from support.shop import Shopper, sku_stock
from support.staff import Staff


def sku_of(product_name: str, nth: int = 0) -> int:
    return db.session.scalars(select(Sku.id).join(Product).where(Product.name == product_name).order_by(Sku.id)).all()[nth]


def cancel_request(shopper, sandbox, items=None) -> dict:
    """A paid order cancelled after the free window: the order with its pending cancel request."""
    order = paid_order(shopper, sandbox, items)
    clock.advance(timedelta(minutes=40))
    return shopper.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"}).get_json()


def test_the_shopper_withdraws_a_pending_cancel_request_and_the_order_goes_on(client, sandbox):
    alice = Shopper(client)
    order = cancel_request(alice, sandbox)
    request = order["open_request"]
    assert request["actions"] == ["withdraw"]

    after = alice.post(f"/requests/{request['id']}/withdraw").get_json()

    assert after["status"] == "paid" and after["open_request"] is None and "cancel" in after["actions"]
    assert "request_withdrawn" in [e["kind"] for e in after["timeline"]]
    late = Staff(client, "supervisor").post(f"/requests/{request['id']}/approve", {})
    assert late.status_code == 409 and refunds_of(order["id"]) == []
    again = alice.post(f"/requests/{request['id']}/withdraw")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "REQUEST_ALREADY_DECIDED"


def test_a_decided_or_someone_elses_request_cannot_be_withdrawn(client, sandbox):
    alice, bob = Shopper(client, "alice"), Shopper(client, "bob")
    order = paid_order(alice, sandbox)
    ordering.accept_order(order["id"], staff("warehouse"))
    request_id = alice.patch(f"/orders/{order['id']}", {"remark": "请周末送"}).get_json()["open_request"]["id"]
    assert bob.post(f"/requests/{request_id}/withdraw").status_code == 404
    Staff(client, "service").ok("POST", f"/requests/{request_id}/reject", {"reason": "已打包"})
    refused = alice.post(f"/requests/{request_id}/withdraw")
    assert refused.status_code == 409 and alice.detail(order["id"])["remark"] == ""


def test_the_shopper_withdraws_a_modification_request_and_nothing_changes(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    ordering.accept_order(order["id"], staff("warehouse"))
    request_id = alice.patch(f"/orders/{order['id']}", {"remark": "请周末送"}).get_json()["open_request"]["id"]
    after = alice.post(f"/requests/{request_id}/withdraw").get_json()
    assert after["open_request"] is None and after["remark"] == ""
    assert Staff(client, "service").ok("GET", "/requests")["total"] == 0


def test_the_shopper_withdraws_an_after_sales_case_before_staff_decide_and_may_apply_again(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    Staff(client, "warehouse").ok("POST", f"/orders/{order['id']}/ship", {"carrier": "顺丰速运", "tracking_no": "SF100200300"})
    alice.post(f"/orders/{order['id']}/confirm-receipt")
    application = {"type": "return_refund", "reason_code": "no_reason", "reason_text": "",
                   "lines": [{"line_id": order["items"][0]["id"], "quantity": 1}], "photos": []}
    case = alice.post(f"/orders/{order['id']}/after-sales", application).get_json()
    assert case["actions"] == ["withdraw"]

    withdrawn = alice.post(f"/after-sales/{case['id']}/withdraw").get_json()

    assert (withdrawn["status"], withdrawn["status_label"], withdrawn["actions"]) == ("withdrawn", "已撤回", [])
    assert alice.detail(order["id"])["open_request"] is None
    assert alice.post(f"/orders/{order['id']}/after-sales", application).status_code == 201


def test_accepting_faster_shipping_ends_the_cancel_request_and_expedites_the_order(client, sandbox):
    alice = Shopper(client)
    order = cancel_request(alice, sandbox)
    request_id = order["open_request"]["id"]
    supervisor = Staff(client, "supervisor")
    supervisor.ok("POST", f"/requests/{request_id}/alternative", {"kind": "faster_shipping", "message": "今天顺丰发出"})
    offered = alice.detail(order["id"])["open_request"]
    assert offered["actions"] == ["withdraw", "accept_alternative", "decline_alternative"]
    assert offered["alternative"]["text"].startswith("加急发货")

    after = alice.post(f"/requests/{request_id}/accept-alternative").get_json()

    assert after["status"] == "paid" and after["open_request"] is None and after["expedited_at"]
    assert "alternative_accepted" in [e["kind"] for e in after["timeline"]]
    assert supervisor.post(f"/requests/{request_id}/approve", {}).status_code == 409 and refunds_of(order["id"]) == []


def test_accepting_a_replacement_sku_swaps_the_line_at_the_price_paid_and_moves_the_stock_once(client, sandbox):
    alice = Shopper(client)
    old_sku, new_sku = sku_of("快充数据线", 0), sku_of("快充数据线", 1)
    order = cancel_request(alice, sandbox, [(old_sku, 2)])
    request_id = order["open_request"]["id"]
    Staff(client, "supervisor").ok("POST", f"/requests/{request_id}/alternative",
                                   {"kind": "replacement_sku", "sku_id": new_sku, "message": "1米缺货，换2米同价"})
    old_before, new_before = sku_stock(old_sku), sku_stock(new_sku)

    after = alice.post(f"/requests/{request_id}/accept-alternative").get_json()

    [line] = after["items"]
    assert (line["sku_id"], line["sku_name"], line["payable_fen"]) == (new_sku, "2米", order["items"][0]["payable_fen"])
    assert (sku_stock(old_sku), sku_stock(new_sku)) == (old_before + 2, new_before - 2)
    assert alice.post(f"/requests/{request_id}/accept-alternative").status_code == 409
    released = db.session.scalars(select(StockLedger).where(StockLedger.guard == f"alternative:{request_id}:{line['id']}"))
    assert [row.change for row in released] == [2]


def test_declining_an_alternative_sends_the_request_back_to_staff(client, sandbox):
    alice = Shopper(client)
    order = cancel_request(alice, sandbox)
    request_id = order["open_request"]["id"]
    supervisor = Staff(client, "supervisor")
    supervisor.ok("POST", f"/requests/{request_id}/alternative", {"kind": "faster_shipping", "message": "今天发出"})

    after = alice.post(f"/requests/{request_id}/decline-alternative").get_json()

    assert after["open_request"]["actions"] == ["withdraw"]
    assert after["open_request"]["alternative"]["answer"] == "declined"
    [waiting] = supervisor.ok("GET", "/requests")["items"]
    assert waiting["id"] == request_id and waiting["alternative"]["answer"] == "declined"
    assert alice.post(f"/requests/{request_id}/accept-alternative").status_code == 409
    supervisor.ok("POST", f"/requests/{request_id}/approve", {})
    assert alice.detail(order["id"])["status"] == "cancelled"

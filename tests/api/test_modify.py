"""M1–M3 through PATCH /api/mp/orders/<id> and the review services."""
from sqlalchemy import select

from shop.db import OrderLine, OrderRequest, Refund
from shop.domain.refund_amounts import LineAmounts, line_refund_fen
from shop.extensions import db
from shop.services import ordering, reviews
from support.workers import run_jobs
from support.services import wait_until
from support.shop import Shopper, first_sku_id, sku_stock
from support.orders import give_coupon, paid_order, refunds_of, staff


def modify(shopper, order_id, **changes):
    return shopper.patch(f"/orders/{order_id}", changes)


def test_unpaid_order_change_applies_at_once_and_the_new_amount_is_payable(client):
    alice = Shopper(client)
    sku = first_sku_id()
    before = sku_stock(sku)
    order = alice.order([(sku, 1)])
    line_id = order["items"][0]["id"]
    reply = modify(alice, order["id"], receiver_phone="13900139000", lines=[{"line_id": line_id, "quantity": 3}])
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    unit = order["items"][0]["unit_price_fen"]
    assert body["receiver_phone"] == "13900139000" and body["items"][0]["quantity"] == 3
    assert body["goods_fen"] == 3 * unit and body["total_fen"] == 3 * unit + body["shipping_fen"]
    assert sku_stock(sku) == before - 3
    modified = [e for e in body["timeline"] if e["kind"] == "modified"][0]
    assert modified["data"]["changes"]["receiver_phone"] == {"before": "13800138000", "after": "13900139000"}
    assert alice.post(f"/orders/{order['id']}/pay").get_json()["amount_fen"] == body["total_fen"]


def test_unpaid_decrease_releases_stock_and_a_later_cancel_releases_the_rest_once(client):
    alice = Shopper(client)
    sku = first_sku_id()
    before = sku_stock(sku)
    order = alice.order([(sku, 4)])
    modify(alice, order["id"], lines=[{"line_id": order["items"][0]["id"], "quantity": 1}])
    assert sku_stock(sku) == before - 1
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    assert sku_stock(sku) == before


def test_paid_decrease_refunds_exactly_the_difference(client, sandbox):
    alice = Shopper(client)
    sku = first_sku_id()
    before = sku_stock(sku)
    order = paid_order(alice, sandbox, [(sku, 3)])
    line = order["items"][0]
    body = modify(alice, order["id"], lines=[{"line_id": line["id"], "quantity": 1}]).get_json()
    expected = line_refund_fen(LineAmounts(line["payable_fen"], 3, 0), 2)
    [refund] = refunds_of(order["id"])
    assert (refund.amount_fen, refund.source) == (expected, "modify")
    assert body["refunded_fen"] == expected and body["items"][0]["refunded_quantity"] == 2
    assert sku_stock(sku) == before - 1
    # Cancelling afterwards refunds only what is left, shipping included, and releases the last unit.
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    assert sum(r.amount_fen for r in refunds_of(order["id"])) == order["paid_fen"]
    assert sku_stock(sku) == before


def test_paid_order_increase_is_refused_and_changes_nothing(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    reply = modify(alice, order["id"], lines=[{"line_id": order["items"][0]["id"], "quantity": 2}], remark="快点")
    assert reply.status_code == 409
    assert reply.get_json()["error"] == {"code": "ORDER_NOT_MODIFIABLE", "message": "已支付订单不能增加数量，请另行下单"}
    detail = alice.detail(order["id"])
    assert detail["remark"] == "" and detail["items"][0]["quantity"] == 1


def test_invalid_phone_is_refused_with_field_details(client):
    alice = Shopper(client)
    order = alice.order()
    reply = modify(alice, order["id"], receiver_phone="12345", city="广州市")
    assert reply.status_code == 422
    assert reply.get_json()["error"]["details"] == {"receiver_phone": "请填写正确的 11 位手机号"}
    assert alice.detail(order["id"])["city"] == "深圳市"
    assert modify(alice, order["id"], unit_price_fen=1).status_code == 422  # prices are not modifiable


def test_change_after_acceptance_waits_for_staff_then_applies(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox, [(first_sku_id(), 2)])
    ordering.accept_order(order["id"], staff("warehouse"))
    assert alice.detail(order["id"])["modifiable"]["needs_review"] is True
    body = modify(alice, order["id"], address_detail="科技园路 9 号 1 栋 101",
                  lines=[{"line_id": order["items"][0]["id"], "quantity": 1}]).get_json()
    assert body["address_detail"] == "科技园路 1 号 2 栋 301" and body["open_request"]["kind"] == "modify"
    assert refunds_of(order["id"]) == []
    request_id = body["open_request"]["id"]
    reviews.approve(request_id, staff("service"))
    after = alice.detail(order["id"])
    assert after["address_detail"] == "科技园路 9 号 1 栋 101" and after["items"][0]["refunded_quantity"] == 1
    assert [r.source for r in refunds_of(order["id"])] == ["modify"]
    assert alice.get("/messages").get_json()["items"][0]["title"] == "修改申请已通过"


def test_rejected_modification_leaves_the_order_as_it_was(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    ordering.accept_order(order["id"], staff("warehouse"))
    modify(alice, order["id"], remark="换个颜色")
    request_id = db.session.scalar(select(OrderRequest.id).where(OrderRequest.order_id == order["id"]))
    reviews.reject(request_id, staff("service"), "已打包，无法更改")
    after = alice.detail(order["id"])
    assert after["remark"] == "" and after["open_request"] is None
    assert "已打包，无法更改" in alice.get("/messages").get_json()["items"][0]["body"]


def test_shipped_order_is_not_modifiable(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    ordering.ship_order(order["id"], staff("warehouse"), "顺丰速运", "SF1234567890")
    reply = modify(alice, order["id"], remark="x")
    assert reply.status_code == 409 and reply.get_json()["error"]["code"] == "ORDER_NOT_MODIFIABLE"
    assert alice.detail(order["id"])["modifiable"]["allowed"] is False


def test_paid_decrease_refund_reaches_wechat(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox, [(first_sku_id(), 2)])
    modify(alice, order["id"], lines=[{"line_id": order["items"][0]["id"], "quantity": 1}])
    [refund] = refunds_of(order["id"])
    out_refund_no, amount = refund.out_refund_no, refund.amount_fen
    run_jobs()
    wait_until(lambda: any(r["out_refund_no"] == out_refund_no for r in sandbox.listing("refunds")))
    assert [r["refund_fee"] for r in sandbox.listing("refunds")] == [amount]
    db.session.expire_all()
    assert db.session.scalar(select(Refund.status).where(Refund.out_refund_no == out_refund_no)) in ("processing", "succeeded")
    assert db.session.scalar(select(OrderLine.refunded_quantity).where(OrderLine.order_id == order["id"])) == 1


def test_decrease_below_the_coupon_threshold_is_refused(client):
    alice = Shopper(client)
    coupon_id = give_coupon(alice)
    order = alice.order([(first_sku_id(), 4)], coupon_id=coupon_id)
    reply = modify(alice, order["id"], lines=[{"line_id": order["items"][0]["id"], "quantity": 1}])
    assert reply.status_code == 409
    assert "优惠券使用门槛" in reply.get_json()["error"]["message"]
    assert alice.detail(order["id"])["items"][0]["quantity"] == 4

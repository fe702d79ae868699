"""Staff refunds (R8): finance and supervisors refund lines, an amount or the shipping fee, to WeChat or balance,
under the refund policy (R12), audited, and the shopper is told why."""
from sqlalchemy import select

from shop.db import AuditLog, Coupon, Product, Shopper as ShopperRow, ShopperCoupon, Sku
from shop.extensions import db
from support.orders import paid_order, refunds_of
from support.shop import Shopper
from support.staff import Staff

PASSWORD = "demo1234"


def sku_of(product_name: str) -> int:
    return db.session.scalar(select(Sku.id).join(Product).where(Product.name == product_name).order_by(Sku.id))


def test_finance_refunds_a_line_to_wechat_and_the_shopper_reads_why(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox, [(sku_of("快充数据线"), 2)])
    finance = Staff(client, "finance")
    assert "refund" in finance.ok("GET", f"/orders/{order['id']}")["actions"]
    line = order["items"][0]

    done = finance.ok("POST", f"/orders/{order['id']}/refunds",
                      {"kind": "lines", "reason": "商品有划痕", "lines": [{"line_id": line["id"], "quantity": 1}]})

    [refund] = refunds_of(order["id"])
    assert (refund.amount_fen, refund.source, refund.method) == (2900, "manual", "wechat")
    assert done["items"][0]["refunded_quantity"] == 1
    body = alice.get("/messages").get_json()["items"][0]["body"]
    assert "商品有划痕" in body and "¥29.00" in body and "原路退回（微信支付）" in body
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "order.refund")).all()
    assert row.after["refunded_fen"] == 2900 and row.before["refunded_fen"] == 0


def test_a_goodwill_amount_goes_to_balance_with_a_compensation_coupon(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    coupon = db.session.scalar(select(Coupon).where(Coupon.name == "新人无门槛5元"))
    Staff(client, "supervisor").ok("POST", f"/orders/{order['id']}/refunds", {
        "kind": "amount", "amount_fen": 500, "reason": "发货延迟补偿", "method": "balance", "coupon_id": coupon.id})
    db.session.expire_all()
    assert db.session.get(ShopperRow, alice.user["id"]).balance_fen == 500
    assert [(r.amount_fen, r.method, r.status) for r in refunds_of(order["id"])] == [(500, "balance", "succeeded")]
    assert db.session.scalar(select(ShopperCoupon.source).where(ShopperCoupon.shopper_id == alice.user["id"])) \
        == "compensation"


def test_the_shipping_fee_is_refunded_once(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    assert order["shipping_fen"] == 800
    finance = Staff(client, "finance")
    finance.ok("POST", f"/orders/{order['id']}/refunds", {"kind": "shipping", "reason": "运费补偿"})
    again = finance.post(f"/orders/{order['id']}/refunds", {"kind": "shipping", "reason": "运费补偿"})
    assert again.status_code == 409 and [r.amount_fen for r in refunds_of(order["id"])] == [800]


def test_only_finance_supervisors_and_admins_refund_and_bad_amounts_change_nothing(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    body = {"kind": "amount", "amount_fen": 100, "reason": "差价"}
    for role in ("customer_service", "warehouse"):
        assert Staff(client, role).post(f"/orders/{order['id']}/refunds", body).status_code == 403
    finance = Staff(client, "finance")
    for bad in ({**body, "amount_fen": order["paid_fen"] + 1}, {**body, "amount_fen": 1.5}, {**body, "reason": ""},
                {**body, "kind": "everything"}):
        assert finance.post(f"/orders/{order['id']}/refunds", bad).status_code == 422, bad
    assert refunds_of(order["id"]) == []


def test_split_staff_refunds_are_judged_on_the_cumulative_amount(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox, [(sku_of("云南普洱"), 3)])
    finance = Staff(client, "finance")
    path = f"/orders/{order['id']}/refunds"
    finance.ok("POST", path, {"kind": "amount", "amount_fen": 30000, "reason": "差价"})
    second = finance.post(path, {"kind": "amount", "amount_fen": 30000, "reason": "差价"})
    assert second.get_json()["error"]["code"] == "PASSWORD_REQUIRED"  # ¥600 so far: over the ¥500 threshold
    finance.ok("POST", path, {"kind": "amount", "amount_fen": 30000, "reason": "差价", "password": PASSWORD})
    assert [r.amount_fen for r in refunds_of(order["id"])] == [30000, 30000]


def test_a_stopped_compensation_coupon_refuses_the_refund_before_any_money_moves(client, sandbox):
    order = paid_order(Shopper(client), sandbox)
    coupon = db.session.scalar(select(Coupon).where(Coupon.name == "新人无门槛5元"))
    coupon.status = "stopped"
    db.session.commit()
    reply = Staff(client, "supervisor").post(f"/orders/{order['id']}/refunds", {
        "kind": "amount", "amount_fen": 500, "reason": "发货延迟补偿", "coupon_id": coupon.id})
    assert reply.status_code == 409 and "停用" in reply.get_json()["error"]["message"]
    assert refunds_of(order["id"]) == []


def test_a_cancel_after_an_amount_only_refund_gives_back_exactly_what_is_left(client, sandbox):
    # Found by the 审核 amounts work: the cancel refunded every line and the shipping fee again and was
    # refused (REFUND_EXCEEDS_PAID), so an order with a goodwill refund could never be cancelled.
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    supervisor = Staff(client, "supervisor")
    supervisor.ok("POST", f"/orders/{order['id']}/refunds", {"kind": "amount", "amount_fen": 500, "reason": "差价"})

    done = supervisor.ok("POST", f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock", "password": PASSWORD})

    assert done["status"] == "cancelled"
    amounts = sorted(r.amount_fen for r in refunds_of(order["id"]))
    assert amounts == sorted([500, order["paid_fen"] - 500]) and sum(amounts) == order["paid_fen"]


def test_a_cancel_after_the_shipping_fee_was_refunded_does_not_refund_it_twice(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    supervisor = Staff(client, "supervisor")
    supervisor.ok("POST", f"/orders/{order['id']}/refunds", {"kind": "shipping", "reason": "运费补偿"})

    supervisor.ok("POST", f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock", "password": PASSWORD})

    refunds = sorted(refunds_of(order["id"]), key=lambda r: r.id)
    assert [r.amount_fen for r in refunds] == [800, order["paid_fen"] - 800]
    assert refunds[1].shipping_fen == 0  # the fee went back once, with the first refund


def test_a_refund_number_is_the_order_number_and_eight_random_digits_within_both_limits():
    """Refunds of one order are numbered apart by their random digits; eight of them (four collided once in
    10,000 pairs) still fit the column and WeChat's out_refund_no (1-64 characters)."""
    from shop.db import Refund
    from shop.services.ordering import new_order_no
    from shop.services.refunds import new_out_refund_no
    order_no = new_order_no()
    numbers = {new_out_refund_no(order_no) for _ in range(50)}
    assert all(n.startswith(f"R{order_no}") and n[len(order_no) + 1:].isdigit() and len(n) == len(order_no) + 9
               for n in numbers)
    assert max(map(len, numbers)) <= min(Refund.__table__.c.out_refund_no.type.length, 64)

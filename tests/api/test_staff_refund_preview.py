"""Staff refunds show their amount before staff confirm (issue 12 item 7): the preview answers, by the same
rules as the refund itself, how much goes back, whether the password will be asked for, or why this role
cannot — and changes nothing."""
from sqlalchemy import select

from shop.db import Order, Product, Sku
from shop.extensions import db
from support.orders import paid_order, refunds_of
from support.shop import Shopper
from support.staff import Staff


def sku_of(product_name: str) -> int:
    return db.session.scalar(select(Sku.id).join(Product).where(Product.name == product_name).order_by(Sku.id))


def test_the_preview_of_a_line_refund_is_what_the_refund_then_pays_and_changes_nothing(client, sandbox):
    order = paid_order(Shopper(client), sandbox, [(sku_of("快充数据线"), 3)])
    line = order["items"][0]
    finance = Staff(client, "finance")
    body = {"kind": "lines", "lines": [{"line_id": line["id"], "quantity": 2}]}

    preview = finance.ok("POST", f"/orders/{order['id']}/refunds/preview", body)

    assert preview["allowed"] and not preview["password_required"]
    assert "元" in preview["message"]
    db.session.expire_all()
    assert refunds_of(order["id"]) == [] and db.session.get(Order, order["id"]).refunded_fen == 0
    finance.ok("POST", f"/orders/{order['id']}/refunds", body | {"reason": "破损"})
    assert [r.amount_fen for r in refunds_of(order["id"])] == [preview["amount_fen"]]


def test_the_preview_says_when_the_password_is_needed_and_when_the_role_cannot(client, sandbox):
    order = paid_order(Shopper(client), sandbox, [(sku_of("云南普洱"), 2)])  # ¥596 with no free shipping
    big = {"kind": "amount", "amount_fen": order["paid_fen"]}
    assert Staff(client, "finance").ok("POST", f"/orders/{order['id']}/refunds/preview", big)["password_required"]
    refused = Staff(client, "customer_service").post(f"/orders/{order['id']}/refunds/preview", big)
    assert refused.status_code == 403  # 客服 holds no refund.create at all
    too_much = Staff(client, "finance").post(f"/orders/{order['id']}/refunds/preview",
                                              {"kind": "amount", "amount_fen": order["paid_fen"] + 1})
    assert too_much.status_code == 422 and too_much.get_json()["error"]["message"]


def test_the_preview_of_a_staff_decrease_is_the_difference_the_modification_then_refunds(client, sandbox):
    order = paid_order(Shopper(client), sandbox, [(sku_of("快充数据线"), 3)])
    line = order["items"][0]
    staff = Staff(client, "supervisor")
    change = {"lines": [{"line_id": line["id"], "quantity": 1}]}

    preview = staff.ok("POST", f"/orders/{order['id']}/modify/preview", change)

    assert preview["allowed"] and preview["refund_fen"] > 0 and "退还差价" in preview["message"]
    db.session.expire_all()
    assert refunds_of(order["id"]) == []  # the preview changed nothing
    staff.ok("POST", f"/orders/{order['id']}/modify", change)
    assert [r.amount_fen for r in refunds_of(order["id"])] == [preview["refund_fen"]]
    assert staff.ok("POST", f"/orders/{order['id']}/modify/preview", {"remark": "请周末送"})["refund_fen"] == 0

"""Decisions explain themselves (issue 10): a merchant cancel, a rejection and every refund tell the shopper the
reason, the remedy (amount and route, coupon returned) and the expected arrival — in the message and on the order."""
from datetime import timedelta

from sqlalchemy import select

from shop.db import Product, Sku
from shop.domain import clock
from shop.extensions import db
from support.orders import give_coupon, paid_order
from support.services import wait_until
from support.shop import Shopper
from support.staff import Staff


def sku_of(product_name: str) -> int:
    return db.session.scalar(select(Sku.id).join(Product).where(Product.name == product_name).order_by(Sku.id))


def latest_message(shopper) -> dict:
    return shopper.get("/messages").get_json()["items"][0]


def test_a_merchant_cancel_says_why_what_comes_back_and_when(client, sandbox):
    alice = Shopper(client)
    coupon_id = give_coupon(alice)
    order = alice.order([(sku_of("蓝牙耳机"), 1)], coupon_id=coupon_id)
    alice.pay(order, sandbox)
    wait_until(lambda: alice.detail(order["id"])["status"] == "paid")
    supervisor = Staff(client, "supervisor")
    supervisor.ok("POST", f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock", "password": "demo1234"})

    detail = alice.detail(order["id"])
    message = latest_message(alice)

    assert message["title"] == "订单已取消"
    for words in ("商家已取消您的订单", "缺货", f"¥{detail['paid_fen'] // 100}.", "原路退回（微信支付）", "到账时间",
                  "优惠券已退回"):
        assert words in message["body"], (words, message["body"])
    assert detail["decision"]["text"] == message["body"]
    [refund] = detail["refunds"]
    assert "缺货" in refund["notice"] and "原路退回" in refund["notice"]


def test_a_rejected_cancel_request_says_why_and_what_happens_next(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    clock.advance(timedelta(minutes=40))
    request_id = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"}).get_json()[
        "open_request"]["id"]
    Staff(client, "service").ok("POST", f"/requests/{request_id}/reject", {"reason": "商品已打包，即将发出"})

    detail = alice.detail(order["id"])
    message = latest_message(alice)

    assert "商品已打包，即将发出" in message["body"] and "订单将继续为您发货" in message["body"]
    assert detail["decision"]["text"] == message["body"] and detail["decision"]["kind"] == "cancel_rejected"


def test_the_shoppers_own_cancel_tells_the_refund_and_its_arrival_without_blaming_the_merchant(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    body = latest_message(alice)["body"]
    assert "商家已取消" not in body and "原路退回（微信支付）" in body and "到账时间" in body
    assert alice.detail(order["id"])["decision"]["text"] == body


def test_a_merchants_quantity_decrease_says_what_comes_back_and_when(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox, [(sku_of("快充数据线"), 2)])
    Staff(client, "supervisor").ok("POST", f"/orders/{order['id']}/modify",
                                   {"lines": [{"line_id": order["items"][0]["id"], "quantity": 1}]})
    body = latest_message(alice)["body"]
    assert "商品数量" in body and "退款 ¥29.00 原路退回（微信支付）" in body and "到账时间" in body

"""O2–O4, O6, Q1 through the mini-program API."""
from sqlalchemy import func, select

from shop.db import Coupon, Order, ShopperCoupon
from shop.domain import clock
from shop.extensions import db
from support.shop import ADDRESS, Shopper, first_sku_id, sku_stock


def test_a_retried_submit_with_the_same_idempotency_key_returns_the_same_order(client):
    alice = Shopper(client)
    body = {"items": [{"sku_id": first_sku_id(), "quantity": 1}], "address_id": alice.address_id}
    first = alice.post("/orders", body, headers={"Idempotency-Key": "submit-1"})
    again = alice.post("/orders", body, headers={"Idempotency-Key": "submit-1"})
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_an_order_number_drawn_twice_is_drawn_again_and_nothing_is_written_twice(client, monkeypatch):
    """Two orders placed in the same second may draw the same number: the second is placed with another."""
    from shop.services import ordering
    alice, bob = Shopper(client, "alice"), Shopper(client, "bob")
    sku = first_sku_id()
    taken = alice.order([(sku, 1)])["order_no"]
    stock = sku_stock(sku)
    drawn = iter([taken, taken, "20261202120000654321"])
    monkeypatch.setattr(ordering, "new_order_no", lambda: next(drawn))

    reply = bob.post("/orders", {"items": [{"sku_id": sku, "quantity": 2}], "address_id": bob.address_id})
    assert reply.status_code == 201, reply.get_json()
    order = reply.get_json()
    assert order["order_no"] == "20261202120000654321"
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 2
    assert sku_stock(sku) == stock - 2  # reserved once, by the order that was placed
    assert [e["kind"] for e in bob.detail(order["id"])["timeline"]] == ["placed"]

    monkeypatch.setattr(ordering, "new_order_no", lambda: taken)  # never a free number: refused, nothing written
    reply = bob.post("/orders", {"items": [{"sku_id": sku, "quantity": 1}], "address_id": bob.address_id})
    assert reply.status_code == 503 and reply.get_json()["error"]["code"] == "SERVICE_UNAVAILABLE", reply.get_json()
    assert reply.get_json()["error"]["message"] == "下单人数较多，请稍后重试"
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 2 and sku_stock(sku) == stock - 2


def test_a_shopper_cannot_see_or_pay_another_shoppers_order(client):
    order = Shopper(client, "alice").order()
    bob = Shopper(client, "bob")
    assert bob.get(f"/orders/{order['id']}").status_code == 404
    assert bob.post(f"/orders/{order['id']}/pay").status_code == 404
    assert bob.get("/orders").get_json()["total"] == 0


def test_requests_without_a_valid_token_are_refused_in_chinese(client):
    reply = client.get("/api/mp/orders", headers={"Authorization": "Bearer forged"})
    assert reply.status_code == 401
    assert reply.get_json()["error"] == {"code": "UNAUTHORIZED", "message": "请先登录"}


def test_invalid_order_input_gets_field_errors_and_changes_nothing(client):
    alice = Shopper(client)
    reply = alice.post("/orders", {"items": [{"sku_id": first_sku_id(), "quantity": 0}]})
    assert reply.status_code == 422
    error = reply.get_json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["address_id"] == ["必填"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_an_invalid_address_is_refused_with_the_reason(client):
    alice = Shopper(client)
    reply = alice.post("/addresses", {**ADDRESS, "phone": "12345"})
    assert reply.status_code == 422
    assert reply.get_json()["error"]["details"] == {"phone": "请填写正确的 11 位手机号"}


def test_coupon_and_shipping_fee_price_the_order(client):
    alice = Shopper(client)
    coupon = db.session.scalar(select(Coupon).where(Coupon.name == "满99减10"))
    mine = ShopperCoupon(shopper_id=alice.user["id"], coupon_id=coupon.id, created_at=clock.now())
    db.session.add(mine)
    db.session.commit()
    sku = first_sku_id()  # 快充数据线 1米, 29.00
    order = alice.order([(sku, 4)], coupon_id=mine.id)
    assert (order["goods_fen"], order["discount_fen"], order["shipping_fen"]) == (11600, 1000, 0)
    assert order["total_fen"] == 10600
    assert sum(line["discount_fen"] for line in order["items"]) == 1000
    small = alice.order([(sku, 1)])
    assert (small["shipping_fen"], small["total_fen"]) == (800, 3700)
    reused = alice.post("/orders", {"items": [{"sku_id": sku, "quantity": 4}], "address_id": alice.address_id,
                                    "coupon_id": mine.id})
    assert reused.status_code == 409 and reused.get_json()["error"]["code"] == "COUPON_UNAVAILABLE"


def test_order_list_has_status_tabs_counts_and_search(client, sandbox):
    alice = Shopper(client)
    sku = first_sku_id()
    paid = alice.order([(sku, 1)])
    alice.pay(paid, sandbox)
    alice.order([(sku, 1)])
    from support.services import wait_until
    wait_until(lambda: alice.detail(paid["id"])["status"] == "paid")
    listing = alice.get("/orders").get_json()
    assert listing["total"] == 2
    assert listing["counts"]["pending_payment"] == 1 and listing["counts"]["paid"] == 1
    assert [o["id"] for o in alice.get("/orders?status=paid").get_json()["items"]] == [paid["id"]]
    assert alice.get(f"/orders?q={paid['order_no']}").get_json()["total"] == 1
    assert alice.get("/orders?q=数据线").get_json()["total"] == 2
    assert alice.get("/orders?q=不存在的商品").get_json()["total"] == 0


def test_shipped_order_is_confirmed_by_the_shopper(client, sandbox):
    from shop.domain.actors import Actor
    from shop.services import ordering
    from support.services import wait_until

    alice = Shopper(client)
    order = alice.order()
    alice.pay(order, sandbox)
    wait_until(lambda: alice.detail(order["id"])["status"] == "paid")
    staff = Actor.staff(1, "仓库", "warehouse")
    ordering.accept_order(order["id"], staff)
    ordering.ship_order(order["id"], staff, "顺丰速运", "SF1234567890")
    detail = alice.detail(order["id"])
    assert detail["status"] == "shipped" and "confirm_receipt" in detail["actions"]
    shipped = next(e for e in detail["timeline"] if e["kind"] == "shipped")
    assert shipped["data"] == {"carrier": "顺丰速运", "tracking_no": "SF1234567890"}
    done = alice.post(f"/orders/{order['id']}/confirm-receipt").get_json()
    assert done["status"] == "completed"
    again = alice.post(f"/orders/{order['id']}/confirm-receipt")
    assert again.status_code == 409

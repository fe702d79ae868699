"""O7 through the APIs: staff keep coupon templates, issue and publish them; shoppers claim them, checkout
quotes the best one and the order pays less; a cancel gives the coupon back."""
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update

from shop.db import AuditLog, Category, Coupon, Order, Product, Shopper as ShopperRow, ShopperCoupon, Sku
from shop.extensions import db
from support.orders import refunds_of
from support.services import wait_until
from support.shop import Shopper
from support.staff import Staff

TEN_PERCENT = {"name": "店庆9折", "kind": "percent", "percent_off": 10, "max_discount_fen": 2000,
               "threshold_fen": 5000, "valid_days": 30, "per_shopper_limit": 1, "total_count": 100}


def sku_of(product_name: str) -> int:
    return db.session.scalar(select(Sku.id).join(Product).where(Product.name == product_name).order_by(Sku.id))


def quote(shopper, items, **extra):
    reply = shopper.post("/orders/quote", {"items": [{"sku_id": s, "quantity": q} for s, q in items],
                                           "address_id": shopper.address_id, **extra})
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def published(staff, body=TEN_PERCENT) -> dict:
    created = staff.post("/coupons", body)
    assert created.status_code == 201, created.get_json()
    assert "publish" in created.get_json()["actions"]
    return staff.ok("POST", f"/coupons/{created.get_json()['id']}/publish")


def test_staff_publish_a_percentage_coupon_a_shopper_claims_it_once_and_pays_less(client, sandbox):
    template = published(Staff(client, "supervisor"))
    assert template["claimable"] and template["rule_text"] == "满50打9折（最高减20元）"
    alice = Shopper(client)
    [offer] = [c for c in alice.get("/coupons/claimable").get_json() if c["id"] == template["id"]]
    assert offer["can_claim"] and offer["actions"] == ["claim"]

    mine = alice.post(f"/coupons/{template['id']}/claim").get_json()
    again = alice.post(f"/coupons/{template['id']}/claim")
    assert again.status_code == 409 and again.get_json()["error"]["message"] == "每人限领1张，您已领过"
    assert [c["id"] for c in alice.get("/coupons?status=available").get_json()] == [mine["id"]]

    headphones = sku_of("蓝牙耳机")  # 19900: 10% is 1990, under the 2000 cap
    breakdown = quote(alice, [(headphones, 1)])
    assert breakdown["chosen_coupon_id"] == mine["id"]
    assert (breakdown["goods_fen"], breakdown["coupon_discount_fen"], breakdown["freight_fen"],
            breakdown["payable_fen"]) == (19900, 1990, 0, 17910)
    reply = alice.post("/orders", {"items": [{"sku_id": headphones, "quantity": 1}], "address_id": alice.address_id,
                                   "coupon_id": mine["id"]})
    assert reply.status_code == 201 and reply.get_json()["total_fen"] == breakdown["payable_fen"]
    order = reply.get_json()
    assert alice.pay(order, sandbox)["amount_fen"] == 17910
    assert [c["status"] for c in alice.get("/coupons").get_json()] == ["used"]
    db.session.expire_all()
    assert db.session.get(Coupon, template["id"]).issued_count == 1


def test_the_quote_lists_every_coupon_with_why_it_does_not_fit_and_null_means_none(client):
    alice = Shopper(client)
    supervisor = Staff(client, "supervisor")
    food = db.session.scalar(select(Category.id).where(Category.name == "食品饮料"))
    scoped = published(supervisor, {**TEN_PERCENT, "name": "食品9折", "scope": "categories", "scope_ids": [food]})
    plain = published(supervisor, {"name": "满20减3", "kind": "amount", "discount_fen": 300, "threshold_fen": 2000,
                                   "valid_days": 7})
    for template in (scoped, plain):
        assert alice.post(f"/coupons/{template['id']}/claim").status_code == 201
    cable = sku_of("快充数据线")  # 2900, 数码配件
    breakdown = quote(alice, [(cable, 1)])
    by_name = {c["name"]: c for c in breakdown["coupons"]}
    assert by_name["满20减3"]["usable"] and by_name["满20减3"]["discount_fen"] == 300
    assert not by_name["食品9折"]["usable"] and by_name["食品9折"]["reason_unusable"] == "订单中没有适用此券的商品"
    assert breakdown["coupons"][0]["name"] == "满20减3"
    assert breakdown["payable_fen"] == 2900 - 300 + breakdown["freight_fen"]
    assert breakdown["balance_fen"] == 0 and breakdown["balance_available_fen"] == 0

    none = quote(alice, [(cable, 1)], coupon_id=None, use_balance=True)
    assert none["chosen_coupon_id"] is None and none["coupon_discount_fen"] == 0 and none["balance_fen"] == 0
    db.session.execute(update(ShopperRow).where(ShopperRow.id == alice.user["id"]).values(balance_fen=1000))
    db.session.commit()
    with_balance = quote(alice, [(cable, 1)], use_balance=True)
    assert (with_balance["balance_available_fen"], with_balance["balance_fen"]) == (1000, 1000)
    assert with_balance["payable_fen"] == breakdown["payable_fen"] - 1000
    assert quote(alice, [(cable, 1)])["balance_fen"] == 0
    refused = alice.post("/orders", {"items": [{"sku_id": cable, "quantity": 1}], "address_id": alice.address_id,
                                     "coupon_id": by_name["食品9折"]["id"]})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "COUPON_UNAVAILABLE"
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    bob = Shopper(client, "bob")
    assert bob.post("/orders/quote", {"items": [{"sku_id": cable, "quantity": 1}], "address_id": bob.address_id,
                                      "coupon_id": by_name["满20减3"]["id"]}).status_code == 404


def test_a_paid_order_cancelled_in_the_free_window_gives_the_coupon_back(client, sandbox):
    template = published(Staff(client, "supervisor"))
    alice = Shopper(client)
    mine = alice.post(f"/coupons/{template['id']}/claim").get_json()
    order = alice.order([(sku_of("蓝牙耳机"), 1)], coupon_id=mine["id"])
    alice.pay(order, sandbox)
    wait_until(lambda: alice.detail(order["id"])["status"] == "paid")
    body = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""}).get_json()
    assert body["status"] == "cancelled"
    assert [r.amount_fen for r in refunds_of(order["id"])] == [17910]
    assert [(c["id"], c["status"]) for c in alice.get("/coupons").get_json()] == [(mine["id"], "available")]
    assert quote(alice, [(sku_of("蓝牙耳机"), 1)])["chosen_coupon_id"] == mine["id"]


def test_staff_issue_by_id_and_openid_and_each_refusal_is_listed(client):
    alice, bob = Shopper(client), Shopper(client, "bob")
    supervisor = Staff(client, "supervisor")
    template = supervisor.ok("POST", "/coupons", {"name": "补偿5元", "kind": "amount", "discount_fen": 500,
                                                  "valid_days": 30, "total_count": 2}, status=201)
    result = supervisor.ok("POST", f"/coupons/{template['id']}/issue",
                           {"shopper_ids": [alice.user["id"]], "openids": ["sandbox-bob", "nobody"]})
    assert result["issued"] == 2 and result["coupon"]["issued_count"] == 2
    assert result["skipped"] == [{"shopper": "nobody", "reason": "找不到该顾客"}]
    more = supervisor.ok("POST", f"/coupons/{template['id']}/issue", {"shopper_ids": [alice.user["id"]]})
    assert more["issued"] == 0 and more["skipped"][0]["reason"] == "该顾客已持有1张，达到每人限领数量"
    assert [c["name"] for c in bob.get("/coupons").get_json()] == ["补偿5元"]

    edit = supervisor.call("PATCH", f"/coupons/{template['id']}", {"discount_fen": 900})
    assert edit.status_code == 422
    assert supervisor.call("PATCH", f"/coupons/{template['id']}", {"name": "补偿券"}).get_json()["name"] == "补偿券"
    stopped = supervisor.ok("POST", f"/coupons/{template['id']}/stop")
    assert stopped["actions"] == [] and stopped["status_label"] == "已停止"
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.target_type == "coupon")
                                 .order_by(AuditLog.id)).all()
    assert actions == ["coupon.create", "coupon.issue", "coupon.issue", "coupon.update", "coupon.stop"]


def test_customer_service_sees_coupons_but_only_supervisors_and_admins_manage_them(client):
    service = Staff(client, "customer_service")
    assert service.get("/coupons").status_code == 200
    reply = service.post("/coupons", TEN_PERCENT)
    assert reply.status_code == 403 and "管理优惠券" in reply.get_json()["error"]["message"]
    bad = Staff(client, "admin").post("/coupons", {**TEN_PERCENT, "valid_days": None})
    assert bad.status_code == 422 and "valid_until" in bad.get_json()["error"]["details"]


def test_racing_claims_never_exceed_the_total(pgapp):
    client = pgapp.test_client()
    template = published(Staff(client, "supervisor"), {**TEN_PERCENT, "total_count": 3})
    racers = [Shopper(pgapp.test_client(), f"claimer{i}") for i in range(12)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(lambda s: s.post(f"/coupons/{template['id']}/claim").status_code, racers))
    assert sorted(codes) == [201] * 3 + [409] * 9
    db.session.expire_all()
    assert db.session.get(Coupon, template["id"]).issued_count == 3
    assert db.session.scalar(select(func.count(ShopperCoupon.id)).where(
        ShopperCoupon.coupon_id == template["id"])) == 3


def test_a_coupon_past_its_days_is_not_given_back_when_the_order_is_cancelled(client):
    from datetime import timedelta

    from shop.domain import clock
    template = published(Staff(client, "supervisor"), {**TEN_PERCENT, "valid_days": 1})
    alice = Shopper(client)
    mine = alice.post(f"/coupons/{template['id']}/claim").get_json()
    order = alice.order([(sku_of("蓝牙耳机"), 1)], coupon_id=mine["id"])
    clock.advance(timedelta(days=2))
    reply = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""})
    assert reply.status_code == 200 and reply.get_json()["status"] == "cancelled"
    assert [(c["id"], c["status"], c["status_label"]) for c in alice.get("/coupons").get_json()] == \
        [(mine["id"], "expired", "已过期")]
    assert alice.get("/coupons?status=available").get_json() == []


def test_a_line_the_coupon_does_not_cover_is_refunded_in_full(client, sandbox):
    coffee, cable = sku_of("挂耳咖啡"), sku_of("快充数据线")  # 6900 (食品饮料) and 2900 (数码配件)
    coffee_product = db.session.scalar(select(Sku.product_id).where(Sku.id == coffee))
    template = published(Staff(client, "supervisor"), {"name": "咖啡减10", "kind": "amount", "discount_fen": 1000,
                                                       "threshold_fen": 5000, "valid_days": 7, "scope": "products",
                                                       "scope_ids": [coffee_product]})
    alice = Shopper(client)
    mine = alice.post(f"/coupons/{template['id']}/claim").get_json()
    order = alice.order([(coffee, 1), (cable, 1)], coupon_id=mine["id"])
    assert [(i["goods_fen"], i["discount_fen"]) for i in order["items"]] == [(6900, 1000), (2900, 0)]
    alice.pay(order, sandbox)
    wait_until(lambda: alice.detail(order["id"])["status"] == "paid")
    cable_line = next(i for i in order["items"] if i["sku_id"] == cable)
    Staff(client, "finance").ok("POST", f"/orders/{order['id']}/refunds", {
        "kind": "lines", "reason": "缺货", "lines": [{"line_id": cable_line["id"], "quantity": 1}]})
    assert [r.amount_fen for r in refunds_of(order["id"])] == [2900]

"""Staff order search (Q2), CSV export, detail, accept and ship — with their audit rows."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from shop.db import AuditLog, Product, Sku
from shop.domain import clock
from shop.domain.money import yuan
from shop.extensions import db
from support.services import wait_until
from support.shop import ADDRESS, Shopper
from support.staff import Staff
from support.xlsx import sheet_cells


def sku_of(product_name: str) -> int:
    return db.session.scalar(select(Sku.id).join(Product).where(Product.name == product_name).order_by(Sku.id))


def shopper_with_address(client, code: str, receiver: str, phone: str) -> Shopper:
    shopper = Shopper(client, code)
    reply = shopper.post("/addresses", {**ADDRESS, "receiver": receiver, "phone": phone})
    assert reply.status_code == 201, reply.get_json()
    shopper._address_id = reply.get_json()["id"]
    return shopper


def shanghai_days_ago(days: int, hour: int, minute: int = 0) -> datetime:
    """A moment `days` Shanghai calendar days before today, at hour:minute Shanghai time."""
    day = clock.to_shanghai(clock.now()).date() - timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=clock.SHANGHAI).astimezone(timezone.utc)


def day_ago(days: int) -> str:
    return (clock.to_shanghai(clock.now()).date() - timedelta(days=days)).isoformat()


def place_at(moment: datetime, shopper: Shopper, items) -> dict:
    with clock.frozen_at(moment):
        return shopper.order(items)


def pay(shopper: Shopper, order: dict, sandbox) -> None:
    shopper.pay(order, sandbox)
    wait_until(lambda: shopper.detail(order["id"])["status"] == "paid")


def three_orders(client, sandbox):
    alice = shopper_with_address(client, "alice", "张三", "13800138000")
    bob = shopper_with_address(client, "bob", "李四", "13900139000")
    cable = place_at(shanghai_days_ago(10, 12), alice, [(sku_of("快充数据线"), 1)])
    # 23:30 in Shanghai (15:30 UTC): still that Shanghai day for the date filter.
    cups = place_at(shanghai_days_ago(5, 23, 30), bob, [(sku_of("保温杯"), 2)])
    earbuds = alice.order([(sku_of("蓝牙耳机"), 1)])  # now, so the sandbox still accepts the payment
    pay(alice, earbuds, sandbox)
    return alice, bob, cable, cups, earbuds


def order_nos(reply_json) -> list[str]:
    return [o["order_no"] for o in reply_json["items"]]


def test_staff_find_orders_by_number_shopper_product_status_date_and_amount(client, sandbox):
    alice, bob, cable, cups, earbuds = three_orders(client, sandbox)
    staff = Staff(client, "service")

    everything = staff.ok("GET", "/orders")
    assert everything["total"] == 3 and not everything["total_capped"]
    assert order_nos(everything) == [earbuds["order_no"], cups["order_no"], cable["order_no"]]  # newest first

    def found(**query):
        return order_nos(staff.ok("GET", "/orders", query=query))

    assert found(order_no=cups["order_no"]) == [cups["order_no"]]
    assert found(shopper="李四") == [cups["order_no"]]
    assert found(shopper="13800138000") == [earbuds["order_no"], cable["order_no"]]
    assert found(shopper=bob.user["nickname"]) == [cups["order_no"]]
    assert found(product="耳机") == [earbuds["order_no"]]
    assert found(status="paid") == [earbuds["order_no"]]
    assert found(status="pending_payment", refund_status="none") == [cups["order_no"], cable["order_no"]]
    assert found(created_from=day_ago(9), created_to=day_ago(5)) == [cups["order_no"]]
    assert found(created_from=day_ago(4), created_to=day_ago(4)) == []
    assert found(created_to=day_ago(10)) == [cable["order_no"]]
    assert found(amount_min_fen=cable["total_fen"] + 1, amount_max_fen=cups["total_fen"]) == [cups["order_no"]]
    by_amount = sorted([cable, cups, earbuds], key=lambda o: o["total_fen"])
    assert found(sort="total_fen", direction="asc") == [o["order_no"] for o in by_amount]

    page = staff.ok("GET", "/orders", query={"per_page": 1, "page": 2})
    assert page["total"] == 3 and order_nos(page) == [cups["order_no"]]
    row = page["items"][0]
    assert row["receiver_name"] == "李四" and row["receiver_phone"] == "13900139000"
    assert row["status_label"] == "待付款" and row["items"][0]["product_name"] == "保温杯"


def test_bad_filters_get_a_422_with_field_details(client):
    staff = Staff(client, "service")
    reply = staff.get("/orders", status="lost", sort="name")
    assert reply.status_code == 422
    assert set(reply.get_json()["error"]["details"]) >= {"status", "sort"}


def test_xlsx_export_opens_in_excel_with_chinese_headers_text_order_numbers_and_yuan(client, sandbox):
    alice, bob, cable, cups, earbuds = three_orders(client, sandbox)
    finance = Staff(client, "finance")
    reply = finance.get("/orders/export.xlsx", shopper="13800138000")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in reply.headers["Content-Disposition"]
    cells = sheet_cells(reply.get_data())
    header, data = [text for _, text in cells[0]], cells[1:]
    assert header[:4] == ["订单号", "下单时间", "订单状态", "退款状态"]
    assert [r[0] for r in data] == [("s", earbuds["order_no"]), ("s", cable["order_no"])]  # text, all digits
    earbuds_row = dict(zip(header, data[0]))
    assert earbuds_row["订单状态"] == ("s", "待发货") and earbuds_row["收货人"] == ("s", "张三")
    assert earbuds_row["实付（元）"] == ("n", str(earbuds["total_fen"] / 100).removesuffix(".0"))
    cable_row = dict(zip(header, data[1]))
    assert cable_row["下单时间"] == ("s", f"{day_ago(10)} 12:00:00")  # Shanghai time
    assert "蓝牙耳机" in earbuds_row["商品"][1]
    logged = db.session.scalars(select(AuditLog).where(AuditLog.action == "order.export")).all()
    assert len(logged) == 1 and logged[0].after == {"shopper": "13800138000", "sort": "created_at",
                                                    "direction": "desc"}


def test_warehouse_accepts_and_ships_and_each_action_is_audited(client, sandbox):
    alice, bob, cable, cups, earbuds = three_orders(client, sandbox)
    warehouse = Staff(client, "warehouse")
    accepted = warehouse.ok("POST", f"/orders/{earbuds['id']}/accept")
    assert accepted["status"] == "accepted"
    shipped = warehouse.ok("POST", f"/orders/{earbuds['id']}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"})
    assert shipped["status"] == "shipped" and shipped["tracking_no"] == "SF1234567890"
    assert "actions" in shipped and isinstance(shipped["actions"], list)
    staff_events = [e for e in shipped["timeline"] if e["actor_type"] == "staff"]
    assert [(e["kind"], e["actor_name"], e["actor_role"]) for e in staff_events] == [
        ("accepted", "陈仓管", "warehouse"), ("shipped", "陈仓管", "warehouse")]

    rows = db.session.scalars(select(AuditLog).where(AuditLog.target_type == "order").order_by(AuditLog.id)).all()
    assert [r.action for r in rows] == ["order.accept", "order.ship"]
    accept, ship = rows
    assert accept.staff_name == "陈仓管" and accept.role == "warehouse" and accept.ip == "10.1.2.3"
    assert accept.target_id == str(earbuds["id"])
    assert accept.before["status"] == "paid" and accept.after["status"] == "accepted"
    assert ship.before["tracking_no"] is None and ship.after["tracking_no"] == "SF1234567890"


def test_a_refused_action_changes_nothing_and_writes_no_audit_row(client, sandbox):
    alice, bob, cable, cups, earbuds = three_orders(client, sandbox)
    warehouse = Staff(client, "warehouse")
    reply = warehouse.post(f"/orders/{cable['id']}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"})
    assert reply.status_code == 409 and reply.get_json()["error"]["code"] == "ORDER_ACTION_NOT_ALLOWED"
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.target_type == "order")) is None
    assert warehouse.get("/orders/999999").status_code == 404


def test_staff_detail_shows_the_shopper_and_the_whole_timeline(client, sandbox):
    alice, bob, cable, cups, earbuds = three_orders(client, sandbox)
    detail = Staff(client, "service").ok("GET", f"/orders/{earbuds['id']}")
    assert detail["shopper"]["id"] == alice.user["id"]
    assert detail["receiver_phone"] == "13800138000"
    kinds = [e["kind"] for e in detail["timeline"]]
    assert "payment_requested" in kinds  # hidden from shoppers, shown to staff
    assert detail["paid_fen"] == earbuds["total_fen"]


def test_customer_service_modifies_an_accepted_order_at_once_and_it_is_audited(client, sandbox):
    alice = shopper_with_address(client, "alice", "张三", "13800138000")
    order = alice.order([(sku_of("保温杯"), 2)])
    pay(alice, order, sandbox)
    Staff(client, "warehouse").ok("POST", f"/orders/{order['id']}/accept")
    service = Staff(client, "service")
    assert "modify" in service.ok("GET", f"/orders/{order['id']}")["actions"]
    line = order["items"][0]

    modified = service.ok("POST", f"/orders/{order['id']}/modify", {
        "receiver_phone": "13900139000", "remark": "请周末送", "lines": [{"line_id": line["id"], "quantity": 1}]})

    assert modified["status"] == "accepted" and modified["open_request"] is None  # no request to themselves
    assert modified["receiver_phone"] == "13900139000" and modified["remark"] == "请周末送"
    [refund] = modified["refunds"]
    assert refund["amount_fen"] == line["unit_price_fen"]  # a paid order's decrease is refunded
    [event] = [e for e in modified["timeline"] if e["kind"] == "modified"]
    assert (event["actor_name"], event["actor_role"]) == (service.me["name"], "customer_service")
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "order.modify")).all()
    assert row.before["receiver_phone"] == "13800138000" and row.after["receiver_phone"] == "13900139000"
    assert row.before["lines"][0]["refunded_quantity"] == 0 and row.after["lines"][0]["refunded_quantity"] == 1
    told = [m for m in alice.get("/messages").get_json()["items"] if m["title"] == "订单信息已由商家修改"]
    assert len(told) == 1 and "手机号、备注、商品数量" in told[0]["body"]


def test_staff_may_modify_only_before_shipping_and_without_an_open_request(client, sandbox):
    alice, bob, cable, cups, earbuds = three_orders(client, sandbox)
    supervisor, warehouse = Staff(client, "supervisor"), Staff(client, "warehouse")
    assert "modify" not in warehouse.ok("GET", f"/orders/{earbuds['id']}")["actions"]
    warehouse.ok("POST", f"/orders/{earbuds['id']}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"})
    assert "modify" not in supervisor.ok("GET", f"/orders/{earbuds['id']}")["actions"]
    reply = supervisor.post(f"/orders/{earbuds['id']}/modify", {"remark": "请周末送"})
    assert reply.status_code == 409 and reply.get_json()["error"]["code"] == "ORDER_NOT_MODIFIABLE"
    bad = supervisor.post(f"/orders/{cable['id']}/modify", {"receiver_phone": "12345"})
    assert bad.status_code == 422 and "receiver_phone" in bad.get_json()["error"]["details"]
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "order.modify")) is None

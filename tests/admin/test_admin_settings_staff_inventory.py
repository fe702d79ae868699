"""Settings (applied over the Policy), staff accounts and inventory adjustments — each audited."""
from sqlalchemy import select

from shop.db import AuditLog, StockLedger
from shop.extensions import db
from shop.services.context import deps
from support.shop import first_sku_id, sku_stock
from support.staff import Staff, login


def settings_of(reply_json) -> dict:
    return {item["key"]: item for item in reply_json["items"]}


def test_admin_changes_settings_and_services_see_them_at_once(client):
    admin = Staff(client, "admin")
    before = settings_of(admin.ok("GET", "/settings"))
    assert before["free_cancel_minutes"]["value"] == 30 and before["free_cancel_minutes"]["label"]
    reasons = {**before["merchant_cancel_reasons"]["value"], "price_error": "价格标错"}
    after = settings_of(admin.ok("PUT", "/settings", {"free_cancel_minutes": 10, "merchant_cancel_reasons": reasons}))
    assert after["free_cancel_minutes"]["value"] == 10 and after["free_cancel_minutes"]["default"] == 30
    assert deps().policy.free_cancel_minutes == 10
    assert deps().policy.merchant_cancel_reasons["price_error"] == "价格标错"
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "settings.update"))
    assert row.before == {"free_cancel_minutes": 30,
                          "merchant_cancel_reasons": before["merchant_cancel_reasons"]["value"]}
    assert row.after["free_cancel_minutes"] == 10


def test_bad_settings_are_refused_and_change_nothing(client):
    admin = Staff(client, "admin")
    for body in ({"free_cancel_minutes": -1}, {"free_cancel_minutes": "ten"}, {"after_sale_timeout_auto_approve": 1},
                 {"shopper_cancel_reasons": {}}, {"shopper_cancel_reasons": {"Bad Code": "x"}}, {"colour": "red"}):
        reply = admin.put("/settings", body)
        assert reply.status_code == 422, body
        assert reply.get_json()["error"]["code"] == "VALIDATION_ERROR"
    assert deps().policy.free_cancel_minutes == 30
    assert Staff(client, "service").ok("GET", "/settings")["items"]  # everyone may read them


def test_admin_creates_staff_who_can_then_log_in(client):
    admin = Staff(client, "admin")
    created = admin.ok("POST", "/staff", {"username": "kefu2", "name": "新客服", "role": "customer_service",
                                          "password": "secret-123", "current_password": "demo1234"}, status=201)
    assert created["role_label"] == "客服" and created["active"]
    assert login(client, "kefu2", "secret-123").status_code == 200
    assert admin.post("/staff", {"username": "kefu2", "name": "重复", "role": "customer_service",
                                 "password": "secret-123", "current_password": "demo1234"}).status_code == 422
    assert admin.post("/staff", {"username": "x", "role": "customer_service", "password": "short"}).status_code == 422
    assert [s["username"] for s in admin.ok("GET", "/staff")][-1] == "kefu2"
    actions = [r.action for r in db.session.scalars(select(AuditLog).where(AuditLog.target_type == "staff"))]
    assert "staff.create" in actions


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(client):
    admin = Staff(client, "admin")
    me = admin.me["id"]
    again = {"current_password": "demo1234"}
    assert admin.patch(f"/staff/{me}", {"role": "finance", **again}).status_code == 409
    assert admin.patch(f"/staff/{me}", {"active": False, **again}).status_code == 409
    assert admin.patch("/staff/999999", {"active": False, **again}).status_code == 404


def test_audit_log_is_searchable_and_has_no_way_to_edit(client):
    admin = Staff(client, "admin")
    admin.ok("PATCH", f"/staff/{Staff(client, 'finance').me['id']}", {"name": "赵会计", "current_password": "demo1234"})
    logs = admin.ok("GET", "/audit-logs", query={"action": "staff"})
    assert [r["action"] for r in logs["items"]] == ["staff.update"]
    entry = logs["items"][0]
    assert entry["before"]["name"] == "赵财务" and entry["after"]["name"] == "赵会计"
    assert entry["staff_name"] == "系统管理员" and entry["role_label"] == "管理员" and entry["ip"] == "10.1.2.3"
    logins = admin.ok("GET", "/audit-logs", query={"action": "auth.login", "staff_id": admin.me["id"]})
    assert logins["total"] >= 1
    assert admin.ok("GET", "/audit-logs", query={"from": "2000-01-01", "to": "2000-01-02"})["total"] == 0
    entry_id = entry["id"]
    for method in ("PUT", "PATCH", "DELETE"):
        assert admin.call(method, f"/audit-logs/{entry_id}", json={}).status_code in (404, 405)


def test_warehouse_adjusts_stock_with_a_ledger_row_and_an_audit_row(client):
    warehouse = Staff(client, "warehouse")
    sku = first_sku_id()
    before = sku_stock(sku)
    adjusted = warehouse.ok("POST", f"/inventory/{sku}/adjust", {"change": -3, "note": "盘点少 3 件"})
    assert adjusted["stock"] == before - 3 == sku_stock(sku)
    ledger_row = db.session.scalar(select(StockLedger).where(StockLedger.kind == "adjust"))
    assert ledger_row.change == -3 and ledger_row.operator_id == warehouse.me["id"]
    audit_row = db.session.scalar(select(AuditLog).where(AuditLog.action == "inventory.adjust"))
    assert audit_row.before == {"stock": before} and audit_row.after["stock"] == before - 3
    too_much = warehouse.post(f"/inventory/{sku}/adjust", {"change": -100000, "note": "错误"})
    assert too_much.status_code == 409 and sku_stock(sku) == before - 3
    assert warehouse.post("/inventory/999999/adjust", {"change": 1, "note": "x"}).status_code == 404


def test_inventory_list_filters_and_ledger(client):
    staff = Staff(client, "supervisor")
    cables = staff.ok("GET", "/inventory", query={"q": "数据线"})
    assert cables["total"] == 2 and {i["product_name"] for i in cables["items"]} == {"快充数据线"}
    assert staff.ok("GET", "/inventory", query={"low_stock": 0})["total"] == 0
    sku = cables["items"][0]["id"]
    ledger = staff.ok("GET", f"/inventory/{sku}/ledger")
    assert ledger["total"] == 1 and ledger["items"][0]["kind"] == "initial"
    assert staff.ok("GET", "/inventory/reconciliation")["items"] == []
    assert staff.ok("GET", "/inventory/purchase-advice")["items"] == []

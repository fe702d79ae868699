"""Every role against every sensitive admin endpoint (P1): allowed, or 403 — enforced on the server.

The table is written out by hand on purpose: it is the specification, checked against the code.
Ids that do not exist are used so that an allowed call changes nothing (it answers 404/409/422).
"""
import pytest

from shop.domain.permissions import PERMISSIONS
from support.staff import ROLES, Staff

CS, SUP, FIN, WH, ADM = "customer_service", "supervisor", "finance", "warehouse", "admin"
EVERYONE = {CS, SUP, FIN, WH, ADM}
NO = 999999

ENDPOINTS = [
    # method, path, body, roles allowed
    ("GET", "/orders", None, EVERYONE),
    ("GET", f"/orders/{NO}", None, EVERYONE),
    ("GET", "/orders/export.xlsx", None, {CS, SUP, FIN, ADM}),
    ("POST", "/orders/exports", {}, {CS, SUP, FIN, ADM}),
    ("GET", f"/orders/exports/{'0' * 32}", None, {CS, SUP, FIN, ADM}),
    ("GET", f"/orders/exports/{'0' * 32}/file", None, {CS, SUP, FIN, ADM}),
    ("POST", f"/orders/{NO}/accept", None, {CS, SUP, WH, ADM}),
    ("POST", f"/orders/{NO}/ship", {"carrier": "顺丰", "tracking_no": "SF123456789"}, {WH, SUP, ADM}),
    ("POST", f"/orders/{NO}/shipment", {"carrier": "顺丰", "tracking_no": "SF123456789"}, {WH, SUP, ADM}),
    ("GET", "/carriers", None, {WH, SUP, ADM}),
    ("POST", f"/orders/{NO}/delivered", None, {WH, SUP, ADM}),
    ("POST", f"/orders/{NO}/cancel", {"reason_code": "out_of_stock"}, {CS, SUP, ADM}),
    ("POST", f"/orders/{NO}/modify", {"remark": "请周末送"}, {CS, SUP, ADM}),
    ("POST", f"/orders/{NO}/modify/preview", {"remark": "请周末送"}, {CS, SUP, ADM}),
    ("POST", f"/orders/{NO}/refunds", {"kind": "shipping", "reason": "运费补偿"}, {FIN, SUP, ADM}),
    ("POST", f"/orders/{NO}/refunds/preview", {"kind": "shipping"}, {FIN, SUP, ADM}),
    ("GET", "/requests", None, {CS, SUP, ADM}),
    ("POST", f"/requests/{NO}/approve", {}, {CS, SUP, ADM}),
    ("POST", f"/requests/{NO}/reject", {"reason": "不符合条件"}, {CS, SUP, ADM}),
    ("POST", f"/requests/{NO}/alternative", {"message": "可换同款其他颜色"}, {CS, SUP, ADM}),
    ("GET", "/after-sales", None, {CS, SUP, WH, ADM}),
    ("GET", f"/after-sales/{NO}", None, {CS, SUP, WH, ADM}),
    ("POST", f"/after-sales/{NO}/propose", {"kind": "withdraw", "message": "可免费维修"}, {CS, SUP, ADM}),
    ("POST", f"/after-sales/{NO}/receive", {"resellable": True}, {WH, ADM}),
    ("POST", f"/after-sales/{NO}/ship-replacement", {"carrier": "顺丰", "tracking_no": "SF123456789"}, {WH, ADM}),
    ("POST", f"/after-sales/{NO}/return-repaired", {"carrier": "顺丰", "tracking_no": "SF123456789"}, {WH, ADM}),
    ("GET", "/refunds", None, {FIN, SUP, ADM}),
    ("GET", f"/refunds/{NO}", None, {FIN, SUP, ADM}),
    ("POST", f"/refunds/{NO}/retry", None, {FIN, ADM}),
    ("POST", f"/refunds/{NO}/reroute", {"route": "merchant_bank_card"}, {FIN, ADM}),
    ("POST", f"/refunds/{NO}/to-balance", None, {FIN, ADM}),
    ("POST", f"/refunds/{NO}/reissue", None, {FIN, ADM}),
    ("GET", "/reconciliation/runs", None, {FIN, SUP, ADM}),
    ("GET", "/reconciliation/mismatches", None, {FIN, SUP, ADM}),
    ("POST", "/reconciliation/run", {"date": "not-a-date"}, {FIN, ADM}),
    ("GET", "/finance/money-check", None, {FIN, SUP, ADM}),
    ("POST", "/finance/money-check", None, {FIN, ADM}),
    ("GET", "/stats/summary", None, {SUP, FIN, ADM}),
    ("GET", "/stats/cancellations", None, {SUP, FIN, ADM}),
    ("GET", "/stats/refunds", None, {SUP, FIN, ADM}),
    ("GET", "/stats/export.csv", None, {SUP, FIN, ADM}),
    ("GET", "/inventory", None, {WH, SUP, FIN, ADM}),
    ("GET", f"/inventory/{NO}/ledger", None, {WH, SUP, FIN, ADM}),
    ("GET", "/inventory/reconciliation", None, {WH, SUP, FIN, ADM}),
    ("GET", "/inventory/purchase-advice", None, {WH, SUP, FIN, ADM}),
    ("POST", f"/inventory/{NO}/adjust", {"change": 1, "note": "盘点"}, {WH, ADM}),
    ("GET", "/risk/shoppers", None, {CS, SUP, ADM}),
    ("POST", f"/risk/shoppers/{NO}/flag", {"reason": "频繁退款"}, {SUP, ADM}),
    ("POST", f"/risk/shoppers/{NO}/unflag", None, {SUP, ADM}),
    ("POST", f"/risk/shoppers/{NO}/allow-list", None, {SUP, ADM}),
    ("POST", f"/risk/shoppers/{NO}/ban", {"reason": "恶意占库存"}, {SUP, ADM}),
    ("POST", f"/risk/shoppers/{NO}/unban", None, {SUP, ADM}),
    ("GET", "/audit-logs", None, {SUP, ADM}),
    ("GET", "/staff", None, {ADM}),
    ("POST", "/staff", {"username": "", "role": "nobody", "password": "x"}, {ADM}),
    ("PATCH", f"/staff/{NO}", {"active": True, "current_password": "demo1234"}, {ADM}),
    ("GET", "/settings", None, EVERYONE),
    ("PUT", "/settings", {"no_such_setting": 1}, {ADM}),
    ("GET", "/after-sale-rules", None, EVERYONE),
    ("POST", "/after-sale-rules", {"name": "", "effect": "auto_approve"}, {ADM}),
    ("PUT", f"/after-sale-rules/{NO}", {"name": "", "effect": "auto_approve"}, {ADM}),
    ("DELETE", f"/after-sale-rules/{NO}", None, {ADM}),
    ("GET", "/complaints", None, {CS, SUP, ADM}),
    ("GET", f"/complaints/{NO}", None, {CS, SUP, ADM}),
    ("POST", f"/complaints/{NO}/respond", {"text": "您好"}, {CS, SUP, ADM}),
    ("POST", f"/complaints/{NO}/update-refund-progress", {"action": "approve", "launch_refund_day": 0}, {CS, SUP, ADM}),
    ("POST", f"/complaints/{NO}/complete", None, {SUP, ADM}),
    ("GET", "/feedback", None, {CS, SUP, ADM}),
    ("GET", "/invoices", None, {FIN, ADM}),
    ("GET", f"/invoices/{NO}", None, {FIN, ADM}),
    ("GET", f"/invoices/{NO}/pdf", None, {FIN, ADM}),
    ("POST", "/invoice-files", None, {FIN, ADM}),
    ("POST", f"/invoices/{NO}/issue", {"invoice_no": "12345678", "file": "invoice-x.pdf"}, {FIN, ADM}),
    ("POST", f"/invoices/{NO}/reject", {"reason": "抬头有误"}, {FIN, ADM}),
    ("POST", f"/invoices/{NO}/red", {"red_invoice_no": "12345678"}, {FIN, ADM}),
    ("POST", "/batches/requests/approve", {"ids": [NO]}, {CS, SUP, ADM}),
    ("POST", "/batches/requests/reject", {"ids": [NO], "reason": "不符合条件"}, {CS, SUP, ADM}),
    ("POST", "/batches/after-sales/approve", {"ids": [NO]}, {CS, SUP, ADM}),
    ("POST", "/batches/after-sales/reject", {"ids": [NO], "reason": "不符合条件"}, {CS, SUP, ADM}),
    ("POST", "/batches/orders/accept", {"ids": [NO]}, {CS, SUP, WH, ADM}),
    ("POST", "/batches/orders/ship", {"items": [{"order_id": NO, "carrier": "顺丰", "tracking_no": "SF123456789"}]},
     {WH, SUP, ADM}),
    ("POST", "/batches/orders/ship-file", None, {WH, SUP, ADM}),
    ("POST", "/batches/recall", {"sku_id": NO, "reason_code": "out_of_stock", "password": "x"}, {SUP, ADM}),
    ("GET", f"/batches/{NO}", None, EVERYONE),
    ("GET", "/coupons", None, {CS, SUP, FIN, ADM}),
    ("GET", f"/coupons/{NO}", None, {CS, SUP, FIN, ADM}),
    ("POST", "/coupons", {}, {SUP, ADM}),
    ("PATCH", f"/coupons/{NO}", {"name": "改名"}, {SUP, ADM}),
    ("POST", f"/coupons/{NO}/publish", None, {SUP, ADM}),
    ("POST", f"/coupons/{NO}/unpublish", None, {SUP, ADM}),
    ("POST", f"/coupons/{NO}/stop", None, {SUP, ADM}),
    ("POST", f"/coupons/{NO}/issue", {"shopper_ids": [NO]}, {SUP, ADM}),
    ("GET", "/todo", None, EVERYONE),
    ("GET", "/meta", None, EVERYONE),
    ("GET", "/words", None, EVERYONE),
]

# Public: signing in, and the admin's words (the sign-in page needs them before anyone signs in).
PUBLIC = {"/api/admin/auth/login", "/api/admin/words"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_endpoints_of_its_permissions(client, role):
    staff = Staff(client, role)
    wrong = []
    for method, path, body, allowed in ENDPOINTS:
        reply = staff.call(method, path, json=body)
        if role in allowed and reply.status_code in (401, 403):
            wrong.append(f"{method} {path}: refused ({reply.status_code}) but should be allowed")
        if role not in allowed:
            error = (reply.get_json() or {}).get("error", {})
            if reply.status_code != 403 or error.get("code") != "FORBIDDEN" or "权限" not in error.get("message", ""):
                wrong.append(f"{method} {path}: answered {reply.status_code} but should be 403")
    assert not wrong, "\n".join(wrong)


def test_every_admin_endpoint_but_the_public_ones_requires_a_permission(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/admin") or rule.rule in PUBLIC:
            continue
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "required_permission", None) in PERMISSIONS, rule.rule


def test_the_table_above_covers_every_admin_endpoint(app):
    import re
    covered = {(m, re.sub(r"/\d+", "/<id>", p)) for m, p, _, _ in ENDPOINTS}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/admin") or rule.rule.startswith("/api/admin/auth/"):
            continue
        path = re.sub(r"<(?:int:|string:)?\w+>", "<id>", rule.rule.removeprefix("/api/admin"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (method, path) not in covered:
                raise AssertionError(f"{method} {path} is missing from the permission table")


def test_roles_with_permissions_match_the_brief():
    from shop.domain.permissions import permissions_of
    assert set(permissions_of("admin")) == set(PERMISSIONS)
    assert "order.ship" not in permissions_of("customer_service")
    assert permissions_of("finance").count("refund.retry") == 1 and "order.cancel" not in permissions_of("finance")


def test_openapi_documents_the_token_and_the_permission_of_each_admin_operation(client):
    spec = client.get("/api/openapi.json").get_json()
    admin_paths = {p: ops for p, ops in spec["paths"].items() if p.startswith("/api/admin")}
    assert len(admin_paths) >= 40
    for path, operations in admin_paths.items():
        for method, operation in operations.items():
            if method == "parameters" or path in PUBLIC:
                continue
            assert operation["security"] == [{"bearer": []}], (method, path)
            assert operation["x-permission"] in PERMISSIONS, (method, path)

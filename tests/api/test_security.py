"""Security hardening seen from the API (issue 14): headers, docs, proxies, revocation and bans,
no hoarding, exports, field lengths, uploads."""
import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask, request
from PIL import Image
from sqlalchemy import func, select

from shop.api.admin.common import spreadsheet_cell
from shop.api.security import install
from shop.db import Order, Upload
from shop.domain import clock
from shop.extensions import db
from shop.services import ordering, risk
from support.shop import Shopper, first_sku_id, image_bytes, sku_stock
from support.staff import Staff
from support.xlsx import sheet_cells

# ---- every response ------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(client):
    for path in ("/api/health", "/api/mp/orders", "/api/nowhere", "/admin/", "/api/docs"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] == "same-origin", path


def test_api_docs_are_served_from_the_project_not_a_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "https://" not in html and "cdn" not in html
    assert "<script>" not in html  # no inline script: the page works under the CSP
    for asset in ("/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/swagger-ui.css", "/api/docs/start.js"):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/api/openapi.json").status_code == 200


def test_api_docs_are_off_when_not_enabled(app):
    from shop import create_app
    quiet = create_app({"TESTING": True, "API_DOCS": False, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                        "REDIS_URL": app.config["REDIS_URL"]})
    other = quiet.test_client()
    assert other.get("/api/docs").status_code == 404
    assert other.get("/api/openapi.json").status_code == 404
    assert other.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 404


def _echo_ip_app(proxy_count: int) -> Flask:
    tiny = Flask(__name__)
    tiny.config["PROXY_COUNT"] = proxy_count
    install(tiny)
    tiny.get("/ip")(lambda: request.remote_addr)
    return tiny.test_client()


def test_x_forwarded_for_is_believed_only_for_the_configured_trusted_proxies():
    forged = {"X-Forwarded-For": "6.6.6.6, 10.0.0.9"}
    direct = _echo_ip_app(0).get("/ip", headers=forged, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert direct.get_data(as_text=True) == "203.0.113.7"
    behind_one = _echo_ip_app(1).get("/ip", headers=forged, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert behind_one.get_data(as_text=True) == "10.0.0.9"  # what our proxy saw, not what the client claimed


def test_a_forged_x_forwarded_for_does_not_reach_the_audit_log(client):
    from shop.db import AuditLog
    client.post("/api/admin/auth/login", json={"username": "admin", "password": "demo1234"},
                headers={"X-Forwarded-For": "1.2.3.4"}, environ_base={"REMOTE_ADDR": "198.51.100.2"})
    ips = set(db.session.scalars(select(AuditLog.ip).where(AuditLog.action == "auth.login")))
    assert ips == {"198.51.100.2"}


# ---- shopper tokens, logout and bans -----------------------------------------------------------------


def test_logout_revokes_the_shoppers_tokens_on_the_server(client):
    alice = Shopper(client)
    assert alice.get("/me").status_code == 200
    assert alice.post("/auth/logout").status_code == 204
    reply = alice.get("/me")
    assert reply.status_code == 401 and reply.get_json()["error"]["message"] == "登录已失效，请重新登录"
    assert Shopper(client).get("/me").status_code == 200  # logging in again works


def test_a_banned_shopper_is_locked_out_at_once_and_cannot_log_in_until_unbanned(client):
    alice = Shopper(client)
    supervisor = Staff(client, "supervisor")
    banned = supervisor.ok("POST", f"/risk/shoppers/{alice.user['id']}/ban", {"reason": "恶意占用库存"})
    assert banned["banned"] is True and "unban" in banned["actions"] and "ban" not in banned["actions"]
    reply = alice.get("/orders")
    assert reply.status_code == 403 and reply.get_json()["error"]["code"] == "SHOPPER_BANNED"
    login = client.post("/api/mp/auth/login", json={"code": "alice"})
    assert login.status_code == 403 and "限制" in login.get_json()["error"]["message"]
    listed = supervisor.ok("GET", "/risk/shoppers")["items"]
    assert [(row["id"], row["ban_reason"]) for row in listed] == [(alice.user["id"], "恶意占用库存")]

    unbanned = supervisor.ok("POST", f"/risk/shoppers/{alice.user['id']}/unban")
    assert unbanned["banned"] is False and "ban" in unbanned["actions"]
    assert alice.get("/orders").status_code == 401  # the old token stays dead
    assert Shopper(client).get("/orders").status_code == 200


def test_placing_an_order_checks_the_caller_as_every_shopper_request(client):
    """Placing an order reads who is asking with its first statement (beside the earlier order and the address;
    no Shopper in the session): the same refusals (no such shopper or an old token 401, banned 403, the same
    submit again included), nothing written, and the order's first event names the shopper."""
    from shop.services.auth import issue_token

    alice, bob = Shopper(client), Shopper(client, "bob")
    placed = alice.order()
    assert placed["timeline"][0]["actor_name"] == alice.user["nickname"]
    body = {"items": [{"sku_id": first_sku_id(), "quantity": 1}], "address_id": alice.address_id}
    keyed = alice.post("/orders", body, headers={"Idempotency-Key": "before-the-ban"})
    assert keyed.status_code == 201
    ghost = client.post("/api/mp/orders", json=body, headers={"Authorization": f"Bearer {issue_token('shopper', 999999)}"})
    assert ghost.status_code == 401 and ghost.get_json()["error"]["code"] == "UNAUTHORIZED"
    assert bob.post("/auth/logout").status_code == 204
    assert bob.post("/orders", body).status_code == 401
    Staff(client, "supervisor").ok("POST", f"/risk/shoppers/{alice.user['id']}/ban", {"reason": "恶意占用库存"})
    banned = alice.post("/orders", body)
    assert banned.status_code == 403 and banned.get_json()["error"]["code"] == "SHOPPER_BANNED"
    again = alice.post("/orders", body, headers={"Idempotency-Key": "before-the-ban"})
    assert again.status_code == 403 and again.get_json()["error"]["code"] == "SHOPPER_BANNED"
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.shopper_id == alice.user["id"])) == 2


def test_a_shoppers_cancel_checks_the_caller_with_the_order_it_reads(client):
    """A cancel reads who is asking with the order (its shopper, when it is theirs): the same refusals as every
    shopper request (no such shopper or an old token 401, banned 403, someone else's order 404), each before
    anything is written, and the cancel's events name the shopper."""
    from shop.services.auth import issue_token

    alice, bob = Shopper(client), Shopper(client, "bob")
    first, second = alice.order(), alice.order()
    reason = {"reason_code": "changed_mind", "reason_text": ""}
    ghost = client.post(f"/api/mp/orders/{first['id']}/cancel", json=reason,
                        headers={"Authorization": f"Bearer {issue_token('shopper', 999999)}"})
    assert ghost.status_code == 401 and ghost.get_json()["error"]["code"] == "UNAUTHORIZED"
    theirs = bob.post(f"/orders/{first['id']}/cancel", reason)
    assert theirs.status_code == 404 and theirs.get_json()["error"]["code"] == "ORDER_NOT_FOUND"
    assert bob.post("/orders/999999/cancel", reason).status_code == 404
    cancelled = alice.post(f"/orders/{first['id']}/cancel", reason).get_json()
    assert cancelled["status"] == "cancelled"
    assert {e["actor_name"] for e in cancelled["timeline"]} == {alice.user["nickname"]}
    Staff(client, "supervisor").ok("POST", f"/risk/shoppers/{alice.user['id']}/ban", {"reason": "恶意占用库存"})
    banned = alice.post(f"/orders/{second['id']}/cancel", reason)
    assert banned.status_code == 403 and banned.get_json()["error"]["code"] == "SHOPPER_BANNED"
    assert bob.post("/auth/logout").status_code == 204
    assert bob.post(f"/orders/{first['id']}/cancel", reason).status_code == 401
    assert db.session.get(Order, second["id"]).status == "pending_payment"


def test_risk_page_buttons_come_from_the_server_and_only_for_those_who_may_manage(client):
    alice = Shopper(client)
    row = Staff(client, "supervisor").ok("GET", "/risk/shoppers", query={"flagged": "false"})["items"][0]
    assert row["id"] == alice.user["id"] and row["actions"] == ["flag", "allow_list", "ban"]
    assert Staff(client, "service").ok("GET", "/risk/shoppers", query={"flagged": "false"})["items"][0]["actions"] == []


# ---- no hoarding -----------------------------------------------------------------------------------


def test_a_shopper_cannot_hold_more_unpaid_orders_than_the_setting(client):
    Staff(client, "admin").ok("PUT", "/settings", {"max_unpaid_orders_per_shopper": 2})
    alice = Shopper(client)
    sku = first_sku_id()
    alice.order([(sku, 1)])
    alice.order([(sku, 1)])
    stock = sku_stock(sku)
    reply = alice.post("/orders", {"items": [{"sku_id": sku, "quantity": 1}], "address_id": alice.address_id})
    assert reply.status_code == 409
    error = reply.get_json()["error"]
    assert error["code"] == "UNPAID_ORDERS_LIMIT" and "2 笔待付款订单" in error["message"]
    assert sku_stock(sku) == stock
    assert Shopper(client, "bob").order([(sku, 1)])  # other shoppers are not affected


def test_units_of_one_sku_held_by_unpaid_orders_are_capped_per_shopper(client):
    Staff(client, "admin").ok("PUT", "/settings", {"max_unpaid_units_per_sku": 3})
    alice = Shopper(client)
    sku = first_sku_id()
    alice.order([(sku, 2)])
    reply = alice.post("/orders", {"items": [{"sku_id": sku, "quantity": 2}], "address_id": alice.address_id})
    assert reply.status_code == 409
    assert "每人最多 3 件，您还可以再下 1 件" in reply.get_json()["error"]["message"]
    assert alice.order([(sku, 1)])


def test_paying_frees_the_room_under_the_caps(client, sandbox):
    Staff(client, "admin").ok("PUT", "/settings", {"max_unpaid_orders_per_shopper": 1})
    alice = Shopper(client)
    from support.orders import paid_order
    paid_order(alice, sandbox)
    assert alice.order()


def test_order_creation_is_rate_limited_per_shopper_with_the_wait_time(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ORDER_RATE_LIMIT_PER_SHOPPER", "3 per minute")
    alice = Shopper(client)
    for _ in range(3):
        alice.order()
    reply = alice.post("/orders", {"items": [{"sku_id": first_sku_id(), "quantity": 1}],
                                   "address_id": alice.address_id})
    assert reply.status_code == 429
    error = reply.get_json()["error"]
    assert error["code"] == "TOO_MANY_REQUESTS" and 0 < error["details"]["retry_after_seconds"] <= 60
    assert f"请 {error['details']['retry_after_seconds']} 秒后再试" in error["message"]
    assert reply.headers["Retry-After"] == str(error["details"]["retry_after_seconds"])
    assert Shopper(client, "bob").order()


def test_order_creation_is_rate_limited_per_address_whoever_orders(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ORDER_RATE_LIMIT_PER_IP", "2 per minute")
    for code in ("s1", "s2"):
        Shopper(client, code).order()
    carol = Shopper(client, "carol")
    reply = carol.post("/orders", {"items": [{"sku_id": first_sku_id(), "quantity": 1}],
                                   "address_id": carol.address_id})
    assert reply.status_code == 429


def test_orders_closed_unpaid_count_in_risk(client):
    alice = Shopper(client)
    orders = [alice.order() for _ in range(2)]
    clock.advance(timedelta(hours=1))
    for order in orders:
        assert ordering.close_unpaid_order(order["id"])
    assert risk.metrics(alice.user["id"])["unpaid_closed"] == 2


# ---- exports and field lengths ------------------------------------------------------------------------


def test_spreadsheet_cells_that_would_run_as_formulas_are_kept_as_text():
    for value in ("=1+2", "+86", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")'):
        assert spreadsheet_cell(value) == "'" + value
    assert spreadsheet_cell("张三") == "张三" and spreadsheet_cell(-5) == -5 and spreadsheet_cell(None) is None
    assert spreadsheet_cell("-12.50") == "-12.50" and spreadsheet_cell("-1+2") == "'-1+2"


def test_the_order_export_keeps_formulas_as_text(client):
    alice = Shopper(client)
    order = db.session.get(Order, alice.order()["id"])
    order.receiver_name, order.province = "=1+2", '=HYPERLINK("x")'
    db.session.commit()
    reply = Staff(client, "admin").call("GET", "/orders/export.xlsx")
    cells = sheet_cells(reply.get_data())
    header, row = [text for _, text in cells[0]], cells[1]
    assert row[header.index("收货人")] == ("s", "=1+2")  # a string cell, never a formula
    assert row[header.index("收货地址")][0] == "s" and row[header.index("收货地址")][1].startswith("=HYPERLINK")


def test_a_too_long_field_is_a_422_not_a_500(client):
    alice = Shopper(client)
    from support.shop import ADDRESS
    reply = alice.post("/addresses", {**ADDRESS, "province": "省" * 21})
    assert reply.status_code == 422 and reply.get_json()["error"]["details"]["province"] == ["最多 20 个字符"]
    order = alice.order()
    reply = alice.patch(f"/orders/{order['id']}", {"province": "省" * 200})
    assert reply.status_code == 422


# ---- uploads ---------------------------------------------------------------------------------------


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPSInfo
    return image_bytes("JPEG", exif=exif)


def test_photos_are_re_encoded_without_exif_or_gps(client):
    alice = Shopper(client)
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the test photo does carry EXIF
    reply = alice.upload(original, "photo.jpg")
    assert reply.status_code == 201
    served = client.get(urlsplit(reply.get_json()["url"]).path)
    assert served.status_code == 200
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "JPEG" and not image.getexif() and b"PhoneMaker" not in served.data
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_an_html_payload_named_gif_is_refused(client):
    alice = Shopper(client)
    reply = alice.upload(b"GIF89a<html><script>alert(document.cookie)</script></html>", "cat.gif")
    assert reply.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0


def test_a_body_over_the_size_limit_is_a_413_with_our_error(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    reply = Shopper(client).upload(b"\x00" * 10_000, "big.png")
    assert reply.status_code == 413
    assert reply.get_json()["error"]["code"] == "PAYLOAD_TOO_LARGE" and "上传内容不能超过" in \
        reply.get_json()["error"]["message"]


def test_uploads_per_shopper_are_capped(client):
    Staff(client, "admin").ok("PUT", "/settings", {"upload_daily_count": 2})
    alice = Shopper(client)
    alice.upload_photo()
    alice.upload_photo()
    reply = alice.upload(image_bytes())
    assert reply.status_code == 409 and reply.get_json()["error"]["code"] == "UPLOAD_QUOTA_EXCEEDED"
    assert Shopper(client, "bob").upload_photo()


def _received_order(alice, sandbox):
    from shop.domain.actors import Actor
    from support.orders import paid_order
    order = paid_order(alice, sandbox)
    ordering.ship_order(order["id"], Actor.staff(1, "王主管", "supervisor"), "顺丰速运", "SF100200300")
    ordering.confirm_receipt(order["id"], alice.user["id"])
    return alice.detail(order["id"])


def _apply(alice, order, photos):
    return alice.post(f"/orders/{order['id']}/after-sales", {
        "type": "return_refund", "reason_code": "quality_issue", "reason_text": "坏了",
        "lines": [{"line_id": order["items"][0]["id"], "quantity": 1}], "photos": photos})


def test_applications_accept_only_the_shoppers_own_uploads_and_staff_see_them(client, sandbox):
    alice, bob = Shopper(client), Shopper(client, "bob")
    order = _received_order(alice, sandbox)
    for photos in (["https://evil.example.com/x.jpg"], [bob.upload_photo()], ["/api/mp/uploads/../../etc/passwd"]):
        reply = _apply(alice, order, photos)
        assert reply.status_code == 422 and reply.get_json()["error"]["message"] == "凭证图片须通过小程序上传"
    mine = alice.upload_photo()
    case = _apply(alice, order, [mine])
    assert case.status_code == 201, case.get_json()

    supervisor = Staff(client, "supervisor")
    pending = supervisor.ok("GET", "/requests", query={"kind": "after_sale"})["items"]
    assert [r["photos"] for r in pending] == [[mine]]
    assert supervisor.ok("GET", f"/after-sales/{case.get_json()['id']}")["photos"] == [mine]


def test_admin_answers_alike_for_files_outside_it_that_exist_and_that_do_not(tmp_path):
    from shop.api.admin_web import register_admin_web
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("<html>admin</html>")
    (tmp_path / "secret.txt").write_text("secret")
    web = Flask(__name__)
    register_admin_web(web, tmp_path / "dist")
    client = web.test_client()
    existing, missing = client.get("/admin/../secret.txt"), client.get("/admin/../missing.txt")
    assert (existing.status_code, existing.data) == (missing.status_code, missing.data) == (200, b"<html>admin</html>")


def test_no_cookie_session_is_kept(app, client):
    from flask import session
    alice = Shopper(client)
    reply = alice.get("/orders")
    assert reply.status_code == 200 and "Set-Cookie" not in reply.headers
    with app.test_request_context("/api/mp/orders"):
        with pytest.raises(RuntimeError):  # Flask's null session: nothing can be kept in a cookie
            session["who"] = "alice"

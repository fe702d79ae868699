"""Staff login, tokens and the login rate limit (P3)."""
from support.staff import Staff, login


def test_login_returns_a_token_and_the_permissions_for_the_menus(client):
    reply = login(client, "service")
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["token"] and body["expires_in"] > 0
    staff = body["staff"]
    assert staff["username"] == "service" and staff["role"] == "customer_service" and staff["role_label"] == "客服"
    assert "order.cancel" in staff["permissions"] and "staff.manage" not in staff["permissions"]
    assert "password" not in staff and "password_hash" not in staff


def test_me_answers_who_is_logged_in(client):
    finance = Staff(client, "finance")
    me = finance.ok("GET", "/auth/me")
    assert me["username"] == "finance" and "refund.retry" in me["permissions"]


def test_wrong_password_is_refused_with_a_chinese_message(client):
    reply = login(client, "admin", "wrong-password")
    assert reply.status_code == 401
    assert reply.get_json()["error"] == {"code": "LOGIN_FAILED", "message": "用户名或密码错误"}
    assert login(client, "nobody", "demo1234").get_json()["error"]["code"] == "LOGIN_FAILED"


def test_sixth_failed_login_within_a_minute_is_rate_limited_per_ip_and_username(client):
    for _ in range(5):
        assert login(client, "admin", "bad", ip="10.9.9.9").status_code == 401
    blocked = login(client, "admin", "demo1234", ip="10.9.9.9")
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "TOO_MANY_REQUESTS"
    assert "频繁" in blocked.get_json()["error"]["message"]
    # Another user from the same IP, or the same user from another IP, is not blocked.
    assert login(client, "finance", "demo1234", ip="10.9.9.9").status_code == 200
    assert login(client, "admin", "demo1234", ip="10.9.9.10").status_code == 200


def test_one_username_has_a_ceiling_whatever_ip_the_requests_claim(client):
    for n in range(20):
        assert login(client, "supervisor", "bad", ip=f"10.8.0.{n}").status_code == 401
    reply = login(client, "supervisor", "demo1234", ip="10.8.1.1")
    assert reply.status_code == 429, _limiter_keys()
    assert login(client, "finance", "demo1234", ip="10.8.1.1").status_code == 200


def _limiter_keys():
    from flask import current_app
    from redis import Redis
    redis = Redis.from_url(current_app.config["REDIS_URL"])
    from shop.api.admin.access import limiter
    # If Redis did not answer in time the limiter counts in memory instead (by design); say so when this fails.
    return {"storage_dead": limiter._storage_dead,
            **{k.decode(): (redis.get(k), redis.ttl(k)) for k in redis.keys("*staff-login-user*")}}


def test_successful_logins_do_not_count_towards_the_limit(client):
    for _ in range(8):
        assert login(client, "admin").status_code == 200


def test_requests_without_a_token_or_with_a_forged_one_get_401(client):
    assert client.get("/api/admin/orders").status_code == 401
    reply = client.get("/api/admin/orders", headers={"Authorization": "Bearer forged.token.value"})
    assert reply.status_code == 401 and reply.get_json()["error"]["code"] == "UNAUTHORIZED"


def test_shopper_token_is_not_a_staff_token(client):
    from support.shop import Shopper
    alice = Shopper(client)
    reply = client.get("/api/admin/orders", headers=alice.headers)
    assert reply.status_code == 401


def test_token_expires_after_the_configured_age(app, client, monkeypatch):
    staff = Staff(client, "admin")
    assert staff.get("/auth/me").status_code == 200
    monkeypatch.setitem(app.config, "STAFF_TOKEN_MAX_AGE_SECONDS", -1)
    reply = staff.get("/auth/me")
    assert reply.status_code == 401
    assert reply.get_json()["error"] == {"code": "TOKEN_EXPIRED", "message": "登录已过期，请重新登录"}


def test_deactivated_staff_and_reset_passwords_end_sessions(client):
    admin = Staff(client, "admin")
    service = Staff(client, "service")
    finance = Staff(client, "finance")
    service_id, finance_id = service.me["id"], finance.me["id"]
    admin.ok("PATCH", f"/staff/{service_id}", {"active": False, "current_password": "demo1234"})
    assert service.get("/auth/me").status_code == 401
    assert login(client, "service").status_code == 401
    admin.ok("PATCH", f"/staff/{finance_id}", {"password": "new-password-1", "current_password": "demo1234"})
    assert finance.get("/auth/me").status_code == 401
    assert login(client, "finance", "new-password-1").status_code == 200


def test_a_role_change_applies_to_the_next_request(client):
    admin = Staff(client, "admin")
    warehouse = Staff(client, "warehouse")
    assert warehouse.get("/stats/summary").status_code == 403
    admin.ok("PATCH", f"/staff/{warehouse.me['id']}", {"role": "supervisor", "current_password": "demo1234"})
    assert warehouse.get("/stats/summary").status_code == 200

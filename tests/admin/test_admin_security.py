"""Staff accounts hardened (issue 14): server-side logout and revocation, password rules, the
password re-entry limited and audited, re-entry for staff management, the last-admin guard under a
row lock, constant-time login, login limits that say how long to wait, production's account check."""
import threading

import pytest
from sqlalchemy import select

from shop.config import ConfigError
from shop.db import AuditLog
from shop.domain.passwords import password_problem
from shop.extensions import db
from shop.services import production_checks, staff_accounts, staff_auth
from support.staff import Staff, login

AGAIN = {"current_password": "demo1234"}


def test_logout_ends_every_session_of_the_account(client):
    first, second = Staff(client, "finance"), Staff(client, "finance")
    assert first.call("POST", "/auth/logout").status_code == 204
    for session in (first, second):
        reply = session.get("/auth/me")
        assert reply.status_code == 401 and reply.get_json()["error"]["message"] == "登录已失效，请重新登录"
    assert Staff(client, "finance").get("/auth/me").status_code == 200


def test_disable_then_enable_does_not_bring_old_tokens_back(client):
    admin, service = Staff(client, "admin"), Staff(client, "service")
    admin.ok("PATCH", f"/staff/{service.me['id']}", {"active": False, **AGAIN})
    admin.ok("PATCH", f"/staff/{service.me['id']}", {"active": True, **AGAIN})
    assert service.get("/auth/me").status_code == 401
    assert Staff(client, "service").get("/auth/me").status_code == 200


@pytest.mark.parametrize("password", ["12345678", "1234567890", "password123", "short-9ch", "aaaaaaaaaaaa",
                                      "newbie-2024-newbie"])
def test_weak_passwords_are_refused_when_set_through_the_api(client, password):
    admin = Staff(client, "admin")
    reply = admin.post("/staff", {"username": "newbie", "role": "customer_service", "password": password, **AGAIN})
    assert reply.status_code == 422
    assert reply.get_json()["error"]["details"]["password"]


def test_password_rules_in_one_place():
    assert password_problem("12345678") == "密码至少 10 位"
    assert password_problem("qwertyuiop") == "密码过于常见或容易猜到，请换一个"
    assert password_problem("Tea-garden-42") is None


def test_staff_management_needs_the_administrators_password_again(client):
    admin, finance = Staff(client, "admin"), Staff(client, "finance")
    missing = admin.patch(f"/staff/{finance.me['id']}", {"role": "supervisor"})
    assert missing.status_code == 403 and missing.get_json()["error"] == {
        "code": "PASSWORD_REQUIRED", "message": "管理员工账号需要二次验证，请输入您的登录密码"}
    wrong = admin.patch(f"/staff/{finance.me['id']}", {"role": "supervisor", "current_password": "guess-1234"})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "PASSWORD_INCORRECT"
    created = admin.post("/staff", {"username": "kefu3", "role": "customer_service", "password": "Tea-garden-42"})
    assert created.status_code == 403
    assert Staff(client, "finance").me["role"] == "finance"  # nothing changed
    admin.ok("PATCH", f"/staff/{finance.me['id']}", {"role": "supervisor", **AGAIN})
    actions = [(row.action, (row.after or {}).get("purpose")) for row in
               db.session.scalars(select(AuditLog).where(AuditLog.action.startswith("auth.password_recheck"))
                                  .order_by(AuditLog.id))]
    assert actions == [("auth.password_recheck_failed", "staff.update"), ("auth.password_recheck", "staff.update")]


def test_password_re_entry_is_limited_then_says_how_long_to_wait(client):
    admin, finance = Staff(client, "admin"), Staff(client, "finance")
    for _ in range(staff_auth.RECHECK_FAILURES_ALLOWED):
        reply = admin.patch(f"/staff/{finance.me['id']}", {"name": "猜", "current_password": "wrong-guess"})
        assert reply.status_code == 403
    blocked = admin.patch(f"/staff/{finance.me['id']}", {"name": "猜", **AGAIN})  # even the right one waits
    assert blocked.status_code == 429
    error = blocked.get_json()["error"]
    assert 0 < error["details"]["retry_after_seconds"] <= staff_auth.RECHECK_WINDOW_SECONDS
    assert "密码错误次数过多" in error["message"] and "分钟后再试" in error["message"]
    failures = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.password_recheck_failed")).all()
    assert len(failures) == staff_auth.RECHECK_FAILURES_ALLOWED
    assert Staff(client, "supervisor")  # other staff are not affected


def test_login_hashes_as_much_for_a_missing_user_as_for_a_real_one(client, monkeypatch):
    hashed = []
    real = staff_accounts.check_password_hash
    for module in (staff_accounts, staff_auth):
        monkeypatch.setattr(module, "check_password_hash", lambda h, p: hashed.append(h) or real(h, p))
    assert login(client, "admin", "wrong-password").status_code == 401
    assert login(client, "nobody-here", "wrong-password").status_code == 401
    assert len(hashed) == 2 and hashed[0].split("$")[0] == hashed[1].split("$")[0]  # same method, same cost


def test_login_limit_says_how_long_to_wait(client):
    for _ in range(5):
        login(client, "admin", "bad", ip="10.7.7.7")
    blocked = login(client, "admin", "demo1234", ip="10.7.7.7")
    error = blocked.get_json()["error"]
    assert blocked.status_code == 429 and 0 < error["details"]["retry_after_seconds"] <= 60
    assert error["message"] == f"操作过于频繁，请 {error['details']['retry_after_seconds']} 秒后再试"


@pytest.mark.postgres_only
def test_two_admins_demoting_each_other_at_once_leave_one_admin(pgapp):
    first = Staff(pgapp.test_client(), "admin")
    first.ok("POST", "/staff", {"username": "admin2", "role": "admin", "password": "Second-admin-77", **AGAIN},
             status=201)
    second = Staff(pgapp.test_client(), "admin2", "Second-admin-77")
    answers = []
    start = threading.Barrier(2)

    def demote(actor, target_id, password):
        start.wait()
        reply = actor.patch(f"/staff/{target_id}", {"role": "finance", "current_password": password})
        answers.append(reply.status_code)

    threads = [threading.Thread(target=demote, args=(first, second.me["id"], "demo1234")),
               threading.Thread(target=demote, args=(second, first.me["id"], "Second-admin-77"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 409]


def test_production_refuses_to_start_with_demo_accounts(app):
    problems = production_checks.default_account_problems()
    assert "the demo account 'admin' is present" in problems
    with pytest.raises(ConfigError) as refused:
        production_checks.refuse_default_accounts(app)
    assert "refusing to start in production" in str(refused.value)

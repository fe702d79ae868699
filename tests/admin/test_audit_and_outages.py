"""Staff actions and their audit rows commit together (P2); outages answer 503 with Retry-After; health
is accurate within 30 s (issue 15)."""
from __future__ import annotations

from sqlalchemy import select

from shop import create_app
from shop.db import AuditLog, Order
from shop.extensions import db
from shop.services import audit
from support.services import free_port, wait_until
from support.shop import Shopper
from support.staff import Staff
from support.workers import WorkerProcess


def audit_rows(action: str):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def order_status(order_id: int) -> str:
    return db.session.scalar(select(Order.status).where(Order.id == order_id).execution_options(populate_existing=True))


def test_a_staff_cancel_and_its_audit_row_are_written_in_one_transaction(client):
    order = Shopper(client).order()
    service = Staff(client, "service")
    cancelled = service.ok("POST", f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock"})
    assert cancelled["status"] == "cancelled"
    [row] = audit_rows("order.cancel")
    assert row.before["status"] == "pending_payment" and row.after["status"] == "cancelled"


def test_when_the_audit_row_cannot_be_written_the_staff_change_is_not_kept_either(client, monkeypatch):
    order = Shopper(client).order()
    service = Staff(client, "service")

    def broken(value):
        raise RuntimeError("the audit row cannot be written")
    monkeypatch.setattr(audit, "_plain", broken)
    reply = service.post(f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock"})
    assert reply.status_code == 500 and reply.get_json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    monkeypatch.undo()
    assert order_status(order["id"]) == "pending_payment"  # no change without its audit row
    assert audit_rows("order.cancel") == []


def test_a_refused_staff_action_writes_no_audit_row(client, sandbox):
    order = Shopper(client).order()
    Shopper(client).pay(order, sandbox)
    refused = Staff(client, "service").post(f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock"})
    assert refused.status_code == 403
    assert audit_rows("order.cancel") == []


def test_a_database_outage_answers_503_with_retry_after_not_500(live_app, redis_url):
    unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/shop"
    if live_app.config["DB_BACKEND"] == "sqlite":
        unreachable = "sqlite:////nonexistent-folder/shop.sqlite"
    app = create_app({**{k: live_app.config[k] for k in ("REDIS_URL", "WECHAT_API_BASE", "WECHAT_PAY_API_BASE")},
                      "TESTING": True, "SQLALCHEMY_DATABASE_URI": unreachable})
    reply = app.test_client().get("/api/mp/products")
    assert reply.status_code == 503
    assert reply.headers["Retry-After"].isdigit()
    assert reply.get_json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert "数据库" in reply.get_json()["error"]["message"]
    health = app.test_client().get("/api/health")
    assert health.status_code == 503 and health.get_json()["checks"]["database"]["ok"] is False


def test_health_drops_a_killed_worker_within_30_seconds(pgapp):
    client = pgapp.test_client()
    worker = WorkerProcess(pgapp).start()
    try:
        wait_until(lambda: client.get("/api/health").get_json()["checks"]["worker"]["workers"] == 1, timeout=30)
        worker.kill()
        wait_until(lambda: client.get("/api/health").get_json()["checks"]["worker"]["workers"] == 0,
                   timeout=60, interval=1)  # its heartbeat is older than 30 s: RQ keeps its key for 80 s
    finally:
        worker.stop()

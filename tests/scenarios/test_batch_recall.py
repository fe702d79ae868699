"""缺货/召回 (A7) on PostgreSQL with real workers: one batch cancels every unshipped order of a SKU with one
reason and one password; each paid order is refunded once through the normal refund engine."""
from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from shop.db import AuditLog, Order, Refund
from shop.extensions import db
from support.orders import paid_order
from support.shop import Shopper, first_sku_id
from support.staff import DEMO_PASSWORD, Staff
from support.workers import run_jobs

pytestmark = pytest.mark.postgres_only


def work_until(condition, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not settled in time"
        run_jobs(with_scheduler=True)
        db.session.expire_all()
        time.sleep(0.2)


def test_a_recall_cancels_every_unshipped_order_of_the_sku_and_refunds_each_paid_one_once(pgapp, sandbox):
    client = pgapp.test_client()
    sku_id = first_sku_id()
    paid = [paid_order(Shopper(client, code), sandbox, [(sku_id, 1)]) for code in ("alice", "bob", "carol")]
    unpaid = Shopper(client, "dave").order([(sku_id, 1)])
    shipped = paid_order(Shopper(client, "erin"), sandbox, [(sku_id, 1)])
    warehouse = Staff(client, "warehouse")
    warehouse.ok("POST", f"/orders/{shipped['id']}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"})
    supervisor = Staff(client, "supervisor")
    body = {"sku_id": sku_id, "reason_code": "out_of_stock", "reason_text": "批次质量问题召回"}

    assert supervisor.post("/batches/recall", body).get_json()["error"]["code"] == "PASSWORD_REQUIRED"
    assert Staff(client, "customer_service").post("/batches/recall", body).status_code == 403
    batch = supervisor.ok("POST", "/batches/recall", {**body, "password": DEMO_PASSWORD}, status=202)
    again = supervisor.ok("POST", "/batches/recall", {**body, "password": DEMO_PASSWORD}, status=202)

    assert again["id"] == batch["id"] and again["created"] is False
    assert sorted(item["ref"] for item in batch["items"]) == sorted([o["id"] for o in paid] + [unpaid["id"]])
    paid_ids = [o["id"] for o in paid]
    work_until(lambda: db.session.scalar(select(func.count()).select_from(Refund).where(
        Refund.order_id.in_(paid_ids), Refund.status == "succeeded")) == len(paid_ids))
    done = supervisor.ok("GET", f"/batches/{batch['id']}")
    assert (done["status"], done["done"], done["failed"]) == ("finished", 4, 0)
    statuses = dict(db.session.execute(select(Order.id, Order.status)).all())
    assert [statuses[i] for i in paid_ids + [unpaid["id"]]] == ["cancelled"] * 4
    assert statuses[shipped["id"]] == "shipped"
    payouts = Counter(row["out_trade_no"] for row in sandbox.listing("refunds"))
    assert sorted(payouts.values()) == [1, 1, 1]  # one payout per paid order, none for the shipped one
    rechecks = db.session.scalar(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "auth.password_recheck"))
    cancels = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "order.cancel"))
    assert (rechecks, cancels) == (1, 4)

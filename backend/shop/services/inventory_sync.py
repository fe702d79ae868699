"""I2: push stock changes to the external WMS/ERP webhook.

Every stock ledger row gets an outbox row (StockSyncEvent) in the same transaction, so a change
is never lost between the database and the webhook; a job POSTs pending rows in batches, signed
with HMAC-SHA256 over the exact body (header `X-Shop-Signature`), and retries until the
receiver answers 2xx. Off when WMS_WEBHOOK_URL is empty (the default): nothing is recorded.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging

import requests
from flask import current_app
from sqlalchemy import select, update

from ..db import Sku, StockLedger, StockSyncEvent
from ..domain import clock
from ..extensions import db
from .uow import transaction

logger = logging.getLogger("shop.inventory_sync")

BATCH_SIZE = 100
MAX_ATTEMPTS = 20  # then `failed`: shown to staff, pushed again only by hand
SIGNATURE_HEADER = "X-Shop-Signature"


def enabled() -> bool:
    return bool(current_app.config.get("WMS_WEBHOOK_URL"))


def record_change(entry: StockLedger) -> StockSyncEvent | None:
    """Outbox row for one ledger row, in the caller's transaction (no-op when sync is off)."""
    if not enabled():
        return None
    db.session.flush()  # the ledger row's id, and the stock after the change
    stock = db.session.scalar(select(Sku.stock).where(Sku.id == entry.sku_id)
                              .execution_options(populate_existing=True))
    code = db.session.scalar(select(Sku.code).where(Sku.id == entry.sku_id))
    event = StockSyncEvent(sku_id=entry.sku_id, ledger_id=entry.id, created_at=clock.now(), payload={
        "type": "stock", "sku_id": entry.sku_id, "sku_code": code, "change": entry.change, "kind": entry.kind,
        "order_id": entry.order_id, "stock": stock, "ledger_id": entry.id,
        "at": entry.created_at.isoformat() if entry.created_at else None,
    })
    db.session.add(event)
    return event


def record_order_change(order, changes: dict, actor_name: str) -> StockSyncEvent | None:
    """M3: the warehouse hears of every applied change to an order it may be preparing."""
    if not enabled():
        return None
    event = StockSyncEvent(kind="order_change", created_at=clock.now(), payload={
        "type": "order_change", "order_id": order.id, "order_no": order.order_no, "status": order.status,
        "changes": changes, "operator": actor_name, "at": clock.now().isoformat(),
    })
    db.session.add(event)
    return event


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def push_pending() -> dict:
    """POST one batch of pending events. Returns counts; never raises for the receiver's failures."""
    if not enabled():
        return {"sent": 0, "failed": 0, "enabled": False}
    url = current_app.config["WMS_WEBHOOK_URL"]
    secret = current_app.config.get("WMS_WEBHOOK_SECRET") or ""
    events = db.session.scalars(select(StockSyncEvent).where(StockSyncEvent.status == "pending")
                                .order_by(StockSyncEvent.id).limit(BATCH_SIZE)).all()
    if not events:
        return {"sent": 0, "failed": 0, "enabled": True}
    ids = [e.id for e in events]
    body = json.dumps({"events": [{"id": e.id, **e.payload} for e in events]}, ensure_ascii=False,
                      separators=(",", ":"), sort_keys=True).encode("utf-8")
    db.session.commit()  # no transaction open while we wait for the receiver
    error = None
    try:
        reply = requests.post(url, data=body, timeout=5, headers={
            "Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(body, secret)})
        if not 200 <= reply.status_code < 300:
            error = f"HTTP {reply.status_code}"
    except requests.RequestException as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:255]
    with transaction():
        if error is None:
            db.session.execute(update(StockSyncEvent).where(StockSyncEvent.id.in_(ids))
                               .values(status="sent", sent_at=clock.now(), attempts=StockSyncEvent.attempts + 1,
                                       last_error=None))
        else:
            db.session.execute(update(StockSyncEvent).where(StockSyncEvent.id.in_(ids))
                               .values(attempts=StockSyncEvent.attempts + 1, last_error=error))
            db.session.execute(update(StockSyncEvent).where(StockSyncEvent.id.in_(ids),
                                                            StockSyncEvent.attempts >= MAX_ATTEMPTS)
                               .values(status="failed"))
    if error:
        logger.warning("stock sync push failed", extra={"fields": {"events": len(ids), "error": error}})
        return {"sent": 0, "failed": len(ids), "enabled": True}
    return {"sent": len(ids), "failed": 0, "enabled": True}


def push_backlog(max_batches: int = 20) -> dict:
    """Drain the outbox batch by batch; stop at the first failure (the next run retries)."""
    total = {"sent": 0, "failed": 0, "enabled": enabled()}
    for _ in range(max_batches):
        result = push_pending()
        total["sent"] += result["sent"]
        total["failed"] += result["failed"]
        if result["failed"] or result["sent"] < BATCH_SIZE:
            break
    return total

"""Batch work (A7): submit one action over many items, run it as jobs, report each item's result.

Every item goes through the same service function as the single action (reviews.approve,
ordering.ship_order, cancellation.cancel_by_staff ...), so the role checks and the refund policy
(R12) apply per item exactly as they do for one click. A password a rule asks for is typed once, at
submission; the items then run under `staff_auth.password_confirmed`.

Submitting the same batch again (same kind, items and parameters: the idempotency key) returns the
existing batch. Each item is claimed (`pending` → `running`) before it runs, so a chunk job that runs
twice (the sweeper re-enqueues a lost one) never acts on an item twice.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..adapters.queue import BATCH_CHUNK_JOB
from ..db import AfterSale, Batch, BatchItem, Order, OrderLine, OrderRequest, Staff
from ..domain import clock
from ..domain.actors import Actor
from ..domain.batches import (BATCH_STATUS_LABELS, CHUNK_SIZE, ITEM_STATUS_LABELS, BatchKind, ShipRow,
                              check_items, idempotency_key)
from ..domain.cancellation import check_reason
from ..domain.errors import DomainError, ErrorCode
from ..domain.orders import UNSHIPPED
from ..domain.permissions import PERMISSIONS, is_allowed
from ..extensions import db
from . import admin_queries, audit
from .context import deps
from .staff_auth import password_confirmed, recheck_password
from .uow import is_unique_violation, transaction

logger = logging.getLogger("shop.batches")
CHUNK_TIMEOUT_SECONDS = 3600


# ---- submitting ------------------------------------------------------------------------------------


def submit(actor: Actor, kind: BatchKind, items: list[tuple[int, str, dict | None]], params: dict | None = None,
           password: str | None = None, password_required: bool = False) -> tuple[Batch, bool]:
    """Create the batch (or find the same one) and queue its chunks. `items`: (ref, label, data).
    Returns (batch, created)."""
    params = {k: v for k, v in (params or {}).items() if k != "password"}
    check_items([ref for ref, _, _ in items])
    if not is_allowed(actor.role, kind.permission):
        raise DomainError(ErrorCode.FORBIDDEN, f"您的角色没有「{PERMISSIONS[kind.permission][1]}」权限")
    key = idempotency_key(kind, [(ref, data) for ref, _, data in items], params)
    existing = _by_key(key)
    if existing is not None:
        return existing, False
    if password_required and not password:
        raise DomainError(ErrorCode.PASSWORD_REQUIRED, f"「{kind.label}」需要二次验证，请输入登录密码")
    try:
        with transaction() as tx:
            if password:
                recheck_password(actor, password, purpose=kind.value)
            chunks = max(1, (len(items) + CHUNK_SIZE - 1) // CHUNK_SIZE)
            batch = Batch(kind=kind.value, idempotency_key=key, created_by_id=actor.id, created_by_name=actor.name,
                          params=params, password_confirmed=bool(password), status="queued", total=len(items),
                          done=0, failed=0, chunks=chunks, created_at=clock.now())
            db.session.add(batch)
            db.session.flush()
            db.session.execute(insert(BatchItem), [
                {"batch_id": batch.id, "position": n, "chunk": n // CHUNK_SIZE, "ref": ref, "label": label[:64],
                 "data": data, "status": "pending"} for n, (ref, label, data) in enumerate(items)])
            audit.record(actor, "batch.submit", "batch", batch.id, None,
                         {"kind": kind.value, "total": len(items), **params}, commit=False)
            batch_id = batch.id
            tx.after_commit(lambda: enqueue_chunks(batch_id, range(chunks)))
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        existing = _by_key(key)  # submitted twice at once: the other submission made it
        if existing is None:
            raise
        return existing, False
    return db.session.get(Batch, batch_id), True


def _by_key(key: str) -> Batch | None:
    return db.session.scalar(select(Batch).where(Batch.idempotency_key == key))


def enqueue_chunks(batch_id: int, chunks, attempt: str = "") -> None:
    jobs = deps().jobs
    for chunk in chunks:
        jobs.enqueue(BATCH_CHUNK_JOB, batch_id, chunk, job_id=f"batch-{batch_id}-{chunk}{attempt}", timeout=CHUNK_TIMEOUT_SECONDS)


def request_items(refs: list[int]) -> list[tuple[int, str, None]]:
    """Cancel / modification / after-sales requests, each labelled with its order number."""
    found = dict(db.session.execute(select(OrderRequest.id, Order.order_no)
                                    .join(Order, Order.id == OrderRequest.order_id)
                                    .where(OrderRequest.id.in_(refs))).all())
    missing = [ref for ref in refs if ref not in found]
    if missing:
        raise DomainError(ErrorCode.REQUEST_NOT_FOUND, details={"ids": missing})
    return [(ref, found[ref], None) for ref in refs]


def case_items(refs: list[int]) -> list[tuple[int, str, None]]:
    found = dict(db.session.execute(select(AfterSale.id, Order.order_no).join(Order, Order.id == AfterSale.order_id)
                                    .where(AfterSale.id.in_(refs))).all())
    missing = [ref for ref in refs if ref not in found]
    if missing:
        raise DomainError(ErrorCode.AFTER_SALE_NOT_FOUND, details={"ids": missing})
    return [(ref, found[ref], None) for ref in refs]


def order_items(refs: list[int]) -> list[tuple[int, str, None]]:
    found = dict(db.session.execute(select(Order.id, Order.order_no).where(Order.id.in_(refs))).all())
    missing = [ref for ref in refs if ref not in found]
    if missing:
        raise DomainError(ErrorCode.ORDER_NOT_FOUND, details={"ids": missing})
    return [(ref, found[ref], None) for ref in refs]


def shipment_items(rows: list[ShipRow]) -> tuple[list[tuple[int, str, dict]], list[dict]]:
    """A shipment file's rows → batch items; rows whose order number is unknown are errors."""
    ids = dict(db.session.execute(select(Order.order_no, Order.id)
                                  .where(Order.order_no.in_([row.order_no for row in rows]))).all())
    items, errors = [], []
    for row in rows:
        if row.order_no not in ids:
            errors.append({"row": row.row, "order_no": row.order_no, "message": f"订单号「{row.order_no}」不存在"})
        else:
            items.append((ids[row.order_no], row.order_no, {"carrier": row.carrier, "tracking_no": row.tracking_no}))
    return items, errors


def recall_items(sku_id: int, reason_code: str, reason_text: str) -> list[tuple[int, str, None]]:
    """缺货/召回: every order not yet shipped that holds the SKU (the reason checked once, for all of them)."""
    check_reason(reason_code, reason_text, deps().policy.merchant_cancel_reasons)
    rows = db.session.execute(
        select(Order.id, Order.order_no).where(
            Order.status.in_([s.value for s in UNSHIPPED]),
            Order.id.in_(select(OrderLine.order_id).where(OrderLine.sku_id == sku_id)))
        .order_by(Order.id)).all()
    if not rows:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "该规格没有未发货的订单")
    return [(order_id, order_no, None) for order_id, order_no in rows]


# ---- running ---------------------------------------------------------------------------------------


def _approve_request(ref: int, actor: Actor, params: dict, _data) -> None:
    from . import reviews
    reviews.approve(ref, actor, note=params.get("note", ""), password=None)


def _reject_request(ref: int, actor: Actor, params: dict, _data) -> None:
    from . import reviews
    reviews.reject(ref, actor, params.get("reason", ""))


def _request_of_case(ref: int) -> int:
    case_row = db.session.get(AfterSale, ref)
    if case_row is None:
        raise DomainError(ErrorCode.AFTER_SALE_NOT_FOUND)
    return case_row.request_id


def _accept(ref: int, actor: Actor, _params, _data) -> None:
    from . import ordering
    ordering.accept_order(ref, actor)


def _ship(ref: int, actor: Actor, _params, data: dict) -> None:
    from . import ordering
    ordering.ship_order(ref, actor, data.get("carrier", ""), data.get("tracking_no", ""))


def _recall(ref: int, actor: Actor, params: dict, _data) -> None:
    from . import cancellation
    cancellation.cancel_by_staff(ref, actor, params["reason_code"], params.get("reason_text", ""), password=None)


def _request_snapshot(request_id: int) -> dict | None:
    row = db.session.get(OrderRequest, request_id)
    return None if row is None else {"kind": row.kind, "status": row.status, "order_id": row.order_id,
                                     "decision_reason": row.decision_reason}


# kind -> (run one item, audit target type, audit snapshot)
RUNNERS: dict[BatchKind, tuple[Callable, str, Callable]] = {
    BatchKind.APPROVE_REQUESTS: (_approve_request, "request", _request_snapshot),
    BatchKind.REJECT_REQUESTS: (_reject_request, "request", _request_snapshot),
    BatchKind.APPROVE_AFTER_SALES: (lambda ref, *rest: _approve_request(_request_of_case(ref), *rest), "request",
                                    None),
    BatchKind.REJECT_AFTER_SALES: (lambda ref, *rest: _reject_request(_request_of_case(ref), *rest), "request", None),
    BatchKind.ACCEPT_ORDERS: (_accept, "order", admin_queries.order_snapshot),
    BatchKind.SHIP_ORDERS: (_ship, "order", admin_queries.order_snapshot),
    BatchKind.RECALL_SKU: (_recall, "order", admin_queries.order_snapshot),
}


def run_chunk(batch_id: int, chunk: int) -> dict:
    """Work one chunk's pending items, in order. Returns the counts of this run."""
    batch = db.session.get(Batch, batch_id)
    if batch is None:
        return {"succeeded": 0, "failed": 0}
    kind, params, confirmed = BatchKind(batch.kind), dict(batch.params or {}), batch.password_confirmed
    staff_id = batch.created_by_id
    with transaction():
        db.session.execute(update(Batch).where(Batch.id == batch_id, Batch.status == "queued").values(status="running"))
    item_ids = list(db.session.scalars(select(BatchItem.id).where(
        BatchItem.batch_id == batch_id, BatchItem.chunk == chunk, BatchItem.status == "pending")
        .order_by(BatchItem.position)))
    counts = {"succeeded": 0, "failed": 0}
    for item_id in item_ids:
        outcome = _run_item(batch_id, item_id, kind, params, confirmed, staff_id)
        if outcome is not None:
            counts[outcome] += 1
    _finish_if_complete(batch_id)
    return counts


def _run_item(batch_id: int, item_id: int, kind: BatchKind, params: dict, confirmed: bool, staff_id: int) -> str | None:
    with transaction():
        claimed = db.session.execute(update(BatchItem).where(BatchItem.id == item_id, BatchItem.status == "pending")
                                     .values(status="running")).rowcount
    if not claimed:
        return None  # another run of this chunk has it
    item = db.session.get(BatchItem, item_id)
    ref, data = item.ref, dict(item.data or {})
    run, target_type, snapshot = RUNNERS[kind]
    code, message = None, "成功"
    try:
        staff = db.session.get(Staff, staff_id, populate_existing=True)  # the role now, as for each request
        if staff is None or not staff.active:
            raise DomainError(ErrorCode.UNAUTHORIZED, "提交批量操作的员工账号已停用")
        actor = Actor.staff(staff.id, staff.name, staff.role, "batch")
        if not is_allowed(staff.role, kind.permission):
            raise DomainError(ErrorCode.FORBIDDEN, f"您的角色没有「{PERMISSIONS[kind.permission][1]}」权限")
        target = _request_of_case(ref) if kind in (BatchKind.APPROVE_AFTER_SALES, BatchKind.REJECT_AFTER_SALES) else ref
        with password_confirmed() if confirmed else nullcontext():
            with audit.action(actor, kind.audit_action, target_type, target,
                              (lambda: (snapshot or _request_snapshot)(target)), batch_id=batch_id):
                run(ref, actor, params, data)
    except DomainError as exc:
        db.session.rollback()
        code, message = exc.code.name, exc.message
    except Exception:  # one broken item must not stop the batch; it is reported and logged
        db.session.rollback()
        logger.exception("batch item failed", extra={"fields": {"batch_id": batch_id, "item_id": item_id}})
        code, message = "INTERNAL_ERROR", "处理失败，请稍后单独处理该项"
    status = "failed" if code else "succeeded"
    with transaction():
        db.session.execute(update(BatchItem).where(BatchItem.id == item_id).values(
            status=status, result_code=code, message=message[:255], finished_at=clock.now()))
        counter = Batch.failed if code else Batch.done
        db.session.execute(update(Batch).where(Batch.id == batch_id).values({counter: counter + 1}))
    return status


def _finish_if_complete(batch_id: int) -> None:
    with transaction():
        db.session.execute(update(Batch).where(Batch.id == batch_id, Batch.status != "finished",
                                               Batch.done + Batch.failed >= Batch.total)
                           .values(status="finished", finished_at=clock.now()))


def sweep(older_than_seconds: int = 120) -> int:
    """Re-queue the chunks of unfinished batches whose job was lost (Redis down at submission, a killed worker)."""
    since = clock.now() - timedelta(seconds=older_than_seconds)
    rows = db.session.execute(select(BatchItem.batch_id, BatchItem.chunk).join(Batch, Batch.id == BatchItem.batch_id)
                              .where(Batch.status != "finished", Batch.created_at < since,
                                     BatchItem.status == "pending").distinct()).all()
    bucket = f"-sweep{int(time.time()) // 600}"
    for batch_id, chunk in rows:
        enqueue_chunks(batch_id, [chunk], bucket)
    return len(rows)


# ---- reading ---------------------------------------------------------------------------------------


def get_batch(batch_id: int) -> Batch:
    batch = db.session.get(Batch, batch_id)
    if batch is None:
        raise DomainError(ErrorCode.NOT_FOUND, "批量任务不存在")
    return batch


def batch_json(batch: Batch, *, page: int = 1, per_page: int = 50, status: str | None = None) -> dict:
    """Counts, the progress in percent, and one page of items (failed ones first when asked for)."""
    query = select(BatchItem).where(BatchItem.batch_id == batch.id)
    if status:
        query = query.where(BatchItem.status == status)
    items_total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(BatchItem.position).limit(per_page).offset((page - 1) * per_page))
    finished = batch.done + batch.failed
    kind = BatchKind(batch.kind)
    return {
        "id": batch.id, "kind": batch.kind, "kind_label": kind.label, "status": batch.status,
        "status_label": BATCH_STATUS_LABELS[batch.status], "total": batch.total, "done": batch.done,
        "failed": batch.failed, "percent": 100 if not batch.total else int(finished * 100 // batch.total),
        "params": batch.params or {}, "created_by_name": batch.created_by_name, "created_at": batch.created_at,
        "finished_at": batch.finished_at,
        "items": [{"position": item.position, "ref": item.ref, "label": item.label, "status": item.status,
                   "status_label": ITEM_STATUS_LABELS[item.status], "result_code": item.result_code,
                   "message": item.message, "data": item.data} for item in items],
        "items_total": items_total, "page": page, "per_page": per_page,
    }


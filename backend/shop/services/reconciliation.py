"""R6: compare a day's WeChat refund bill with the refund ledger; mismatches go to staff.

The bill lists refunds WeChat received that day (Beijing time) with its status. The ledger side
is every WeChat refund we submitted that day. A refund in one and not the other, a different
amount, or a different outcome is a mismatch row finance resolves by hand.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from ..adapters.payments import BillRefund, RefundStatus
from ..adapters.wechat_errors import WeChatError
from ..db import ReconciliationMismatch, ReconciliationRun, Refund
from ..domain import clock
from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode
from ..domain.refunds import RefundState
from ..extensions import db
from .context import deps
from .uow import transaction

logger = logging.getLogger("shop.reconciliation")

# WeChat's refund status in the bill -> the ledger state it must match.
BILL_TO_LEDGER = {RefundStatus.SUCCEEDED: RefundState.SUCCEEDED.value,
                  RefundStatus.PROCESSING: RefundState.PROCESSING.value,
                  RefundStatus.WECHAT_ABNORMAL: RefundState.WECHAT_ABNORMAL.value,
                  RefundStatus.CLOSED: RefundState.CLOSED.value}
MISMATCH_LABELS = {"missing_in_ledger": "微信有、系统无", "missing_in_bill": "系统有、微信无",
                   "amount": "金额不一致", "status": "状态不一致"}


def _day_bounds(bill_date: date) -> tuple[datetime, datetime]:
    start = datetime.combine(bill_date, time(0), tzinfo=clock.SHANGHAI)
    return start, start + timedelta(days=1)


def compare(bill_rows: list[BillRefund], ledger: dict[str, Refund], known: dict[str, Refund]) -> list[dict]:
    """Mismatches between the bill and the ledger. `ledger`: our refunds of that day by out_refund_no;
    `known`: any refund of ours the bill names (it may have been submitted another day)."""
    found, seen = [], set()
    for row in bill_rows:
        no = row.out_refund_no
        seen.add(no)
        ours = ledger.get(no) or known.get(no)
        if ours is None:
            found.append({"out_refund_no": no, "kind": "missing_in_ledger", "bill_amount_fen": row.refund_fen,
                          "bill_status": row.bill_status})
            continue
        base = {"out_refund_no": no, "ledger_amount_fen": ours.amount_fen, "bill_amount_fen": row.refund_fen,
                "ledger_status": ours.status, "bill_status": row.bill_status}
        if ours.amount_fen != row.refund_fen:
            found.append({**base, "kind": "amount"})
        elif BILL_TO_LEDGER[row.status] != ours.status \
                and not (row.status == RefundStatus.PROCESSING and ours.status == RefundState.SUCCEEDED.value):
            found.append({**base, "kind": "status"})
    for no, ours in ledger.items():
        if no not in seen:
            found.append({"out_refund_no": no, "kind": "missing_in_bill", "ledger_amount_fen": ours.amount_fen,
                          "ledger_status": ours.status})
    return found


def reconcile_refunds(bill_date: date) -> ReconciliationRun:
    """Download the bill (outside any transaction), compare, store the run and its mismatches."""
    with transaction():
        run = ReconciliationRun(bill_date=bill_date, status="running", started_at=clock.now())
        db.session.add(run)
    run_id = run.id
    try:
        bill_rows = deps().payments.download_refund_bill(bill_date)
    except WeChatError as exc:
        with transaction():
            run = db.session.get(ReconciliationRun, run_id)
            run.status, run.error, run.finished_at = "failed", f"{exc.code}: {exc.message}"[:255], clock.now()
        logger.warning("refund bill download failed", extra={"fields": {"date": str(bill_date), "code": exc.code}})
        return run
    start, end = _day_bounds(bill_date)
    with transaction():
        ledger = {r.out_refund_no: r for r in db.session.scalars(select(Refund).where(
            Refund.method == "wechat", Refund.submitted_at >= start, Refund.submitted_at < end))}
        named = [row.out_refund_no for row in bill_rows if row.out_refund_no not in ledger]
        known = {r.out_refund_no: r for r in db.session.scalars(
            select(Refund).where(Refund.out_refund_no.in_(named)))} if named else {}
        mismatches = compare(bill_rows, ledger, known)
        run = db.session.get(ReconciliationRun, run_id)
        for m in mismatches:
            db.session.add(ReconciliationMismatch(run_id=run_id, created_at=clock.now(), **m))
        run.bill_rows, run.ledger_rows, run.mismatches = len(bill_rows), len(ledger), len(mismatches)
        run.status = "mismatched" if mismatches else "matched"
        run.finished_at = clock.now()
    return run


def reconcile_yesterday() -> ReconciliationRun:
    today = clock.to_shanghai(clock.now()).date()
    return reconcile_refunds(today - timedelta(days=1))


def run_json(run: ReconciliationRun) -> dict:
    return {"id": run.id, "bill_date": run.bill_date.isoformat(), "status": run.status, "bill_rows": run.bill_rows,
            "ledger_rows": run.ledger_rows, "mismatches": run.mismatches, "error": run.error,
            "started_at": run.started_at, "finished_at": run.finished_at}


def mismatch_json(m: ReconciliationMismatch) -> dict:
    return {"id": m.id, "run_id": m.run_id, "out_refund_no": m.out_refund_no, "kind": m.kind,
            "kind_label": MISMATCH_LABELS.get(m.kind, m.kind), "ledger_amount_fen": m.ledger_amount_fen,
            "bill_amount_fen": m.bill_amount_fen, "ledger_status": m.ledger_status, "bill_status": m.bill_status,
            "resolved": m.resolved, "note": m.note, "created_at": m.created_at}


def list_runs(page: int = 1, per_page: int = 20) -> tuple[list[dict], int]:
    total = db.session.scalar(select(func.count()).select_from(ReconciliationRun))
    rows = db.session.scalars(select(ReconciliationRun).order_by(ReconciliationRun.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return [run_json(r) for r in rows], total


def list_mismatches(run_id: int | None = None, unresolved_only: bool = True) -> list[dict]:
    query = select(ReconciliationMismatch)
    if run_id is not None:
        query = query.where(ReconciliationMismatch.run_id == run_id)
    if unresolved_only:
        query = query.where(ReconciliationMismatch.resolved.is_(False))
    return [mismatch_json(m) for m in db.session.scalars(query.order_by(ReconciliationMismatch.id))]


def resolve_mismatch(mismatch_id: int, actor: Actor, note: str) -> dict:
    note = (note or "").strip()
    if not note:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请填写处理说明", {"note": "必填"})
    with transaction():
        m = db.session.get(ReconciliationMismatch, mismatch_id)
        if m is None:
            raise DomainError(ErrorCode.NOT_FOUND, "对账差异不存在")
        m.resolved, m.note = True, f"{actor.name}：{note}"[:255]
    return mismatch_json(m)

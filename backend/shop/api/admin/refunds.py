"""Refund ledger for finance (R1, R4) and the daily WeChat bill reconciliation (R6)."""
from __future__ import annotations

from flask import g

from ...domain.permissions import is_allowed
from ...domain.refunds import METHOD_LABELS, RefundAction, RefundState, refund_actions, refund_status_label
from ...services import admin_queries, audit, reconciliation, refunds
from ...services.stats import utc_bounds
from ..blueprint import Blueprint
from .access import staff_required
from .common import page_of, plain
from .schemas import (AdminPageArgsSchema, ItemListSchema, LoosePageSchema, MismatchArgsSchema,
                      ReconciliationRunInSchema, ReconciliationRunSchema, RefundArgsSchema, RefundLedgerSchema,
                      RefundPageSchema, RefundRerouteSchema)

blp = Blueprint("admin_refunds", __name__, url_prefix="/api/admin", description="后台：退款台账、异常退款重试、对账")


def ledger_json(refund, order_no: str) -> dict:
    role = g.staff.role
    actions = refund_actions(refund.status, refund.method, refund.replaced_by_id is not None,
                             may_retry=is_allowed(role, "refund.retry"), may_resolve=is_allowed(role, "refund.resolve"))
    return {
        **{name: getattr(refund, name) for name in (
            "id", "order_id", "out_refund_no", "amount_fen", "shipping_fen", "method", "status", "source", "reason",
            "wechat_refund_id", "attempts", "last_error_code", "last_error_message", "next_attempt_at", "created_by",
            "created_at", "submitted_at", "succeeded_at", "attempt_log", "replaced_by_id", "abnormal_route")},
        "order_no": order_no, "method_label": METHOD_LABELS.get(refund.method, refund.method),
        "status_label": refund_status_label(refund.status, refund.replaced_by_id is not None),
        "retryable": refund.status in (RefundState.ABNORMAL.value, RefundState.FAILED.value),
        "actions": [a.value for a in actions], "action_labels": {a.value: a.label for a in actions},
    }


@blp.get("/refunds")
@staff_required("refund.view")
@blp.arguments(RefundArgsSchema, location="query")
@blp.response(200, RefundPageSchema)
def list_refunds(args):
    """退款台账：每笔退款的状态、每次尝试及错误码（status=abnormal 为待财务处理）"""
    start = utc_bounds(args["date_from"], args["date_from"])[0] if args["date_from"] else None
    end = utc_bounds(args["date_to"], args["date_to"])[1] if args["date_to"] else None
    rows, total = admin_queries.search_refunds(status=args["status"], order_no=args["order_no"], start=start, end=end,
                                               page=args["page"], per_page=args["per_page"])
    return {"items": [ledger_json(r, no) for r, no in rows], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@blp.get("/refunds/<int:refund_id>")
@staff_required("refund.view")
@blp.response(200, RefundLedgerSchema)
def get_refund(refund_id):
    return ledger_json(*admin_queries.get_refund(refund_id))


@blp.post("/refunds/<int:refund_id>/retry")
@staff_required("refund.retry")
@blp.response(200, RefundLedgerSchema)
def retry_refund(refund_id):
    """财务手动重试异常退款（沿用同一退款单号，不会重复退款）"""
    with audit.action(g.actor, "refund.retry", "refund", refund_id, lambda: admin_queries.refund_snapshot(refund_id)):
        refunds.retry_abnormal_refund(refund_id, g.actor)
    return ledger_json(*admin_queries.get_refund(refund_id))


def _resolve(refund_id: int, action: RefundAction, run) -> dict:
    """W2: one audited finance action on a refund; answers the refund row (or the one that replaced it)."""
    with audit.action(g.actor, f"refund.{action.value}", "refund", refund_id,
                      lambda: admin_queries.refund_snapshot(refund_id)):
        refund = run()
    return ledger_json(*admin_queries.get_refund(refund.id))


def _replace(refund_id: int, action: RefundAction) -> dict:
    return _resolve(refund_id, action, lambda: refunds.replace_refund(refund_id, g.actor, action))


@blp.post("/refunds/<int:refund_id>/reroute")
@staff_required("refund.resolve")
@blp.arguments(RefundRerouteSchema)
@blp.response(200, RefundLedgerSchema)
def reroute_refund(body, refund_id):
    """微信退款异常（ABNORMAL）：改退到顾客银行卡（需开户银行、卡号、姓名）或商户银行卡（微信 apply-abnormal-refund，仅 APIv3）"""
    action = RefundAction(f"reroute_to_{body.pop('route')}")
    bank = {k: v for k, v in body.items() if v}
    return _resolve(refund_id, action, lambda: refunds.reroute_abnormal_refund(refund_id, g.actor, action, bank))


@blp.post("/refunds/<int:refund_id>/to-balance")
@staff_required("refund.resolve")
@blp.response(200, RefundLedgerSchema)
def refund_to_balance(refund_id):
    """微信退款异常或已关闭：改为退到顾客账户余额（新建一笔余额退款，原退款保留为记录）；返回新的退款"""
    return _replace(refund_id, RefundAction.REFUND_TO_BALANCE)


@blp.post("/refunds/<int:refund_id>/reissue")
@staff_required("refund.resolve")
@blp.response(200, RefundLedgerSchema)
def reissue_refund(refund_id):
    """微信已关闭的退款（CLOSED）：用新的退款单号重新发起（原退款保留为记录）；返回新的退款"""
    return _replace(refund_id, RefundAction.REISSUE)


@blp.get("/reconciliation/runs")
@staff_required("refund.view")
@blp.arguments(AdminPageArgsSchema, location="query")
@blp.response(200, LoosePageSchema)
def reconciliation_runs(args):
    """每日微信退款账单对账记录"""
    result = reconciliation.list_runs(page=args["page"], per_page=args["per_page"])
    return page_of(result, args["page"], args["per_page"])


@blp.get("/reconciliation/mismatches")
@staff_required("refund.view")
@blp.arguments(MismatchArgsSchema, location="query")
@blp.response(200, ItemListSchema)
def reconciliation_mismatches(args):
    """对账差异（默认只看未处理的）"""
    rows = reconciliation.list_mismatches(run_id=args["run_id"], unresolved_only=args["unresolved_only"])
    return {"items": plain(list(rows))}


@blp.post("/reconciliation/run")
@staff_required("refund.retry")
@blp.arguments(ReconciliationRunInSchema)
@blp.response(200, ReconciliationRunSchema)
def run_reconciliation(body):
    """立即对某日账单对账"""
    with audit.action(g.actor, "reconciliation.run", "reconciliation", body["date"].isoformat()) as after:
        run = plain(reconciliation.run_json(reconciliation.reconcile_refunds(body["date"])))
        after.update(run)
    return run

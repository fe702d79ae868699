"""财务 (issue 10 item 8): the money conservation report — every order's paid = refunded + kept, per route,
against the ledgers and WeChat Pay's records; balances against the balance ledger; stock against its ledger."""
from __future__ import annotations

from flask import g
from marshmallow import fields

from ...domain.balance import DIFFERENCE_LABELS, ROUTE_LABELS
from ...services import audit, money_checks
from ..blueprint import Blueprint
from .access import staff_required
from .schemas import OpenObjectSchema

blp = Blueprint("admin_finance", __name__, url_prefix="/api/admin", description="后台：财务资金核对（资金守恒）")


class MoneyCheckSchema(OpenObjectSchema):
    checked_at = fields.String(allow_none=True)
    trigger = fields.String(allow_none=True, metadata={"description": "job（每日任务） | staff（手动核对）"})
    orders_checked = fields.Integer()
    gateway_checked = fields.Integer(metadata={"description": "orders also compared with WeChat Pay's records"})
    difference_count = fields.Integer()
    ok = fields.Boolean(allow_none=True)
    totals = fields.Dict(metadata={"description": "paid, refunded, kept, per route (fen)"})
    differences = fields.List(fields.Dict(), metadata={
        "description": "scope (order | shopper | sku), kind, label, expected_fen, actual_fen, explanation (中文)"})
    labels = fields.Dict(metadata={"description": "difference kinds and routes in Chinese"})


def _with_labels(report: dict | None) -> dict:
    body = dict(report or {"checked_at": None, "trigger": None, "orders_checked": 0, "gateway_checked": 0,
                           "difference_count": 0, "ok": None, "totals": {}, "differences": []})
    body["labels"] = {"differences": DIFFERENCE_LABELS, "routes": ROUTE_LABELS,
                      "triggers": {"job": "每日任务", "staff": "手动核对"}}
    return body


@blp.get("/finance/money-check")
@staff_required("refund.view")
@blp.response(200, MoneyCheckSchema)
def last_money_check():
    """最近一次资金核对的结果（每日任务或手动核对）"""
    return _with_labels(money_checks.last_report())


@blp.post("/finance/money-check")
@staff_required("refund.retry")
@blp.response(200, MoneyCheckSchema)
def run_money_check():
    """立即核对近 35 天的订单资金（含向微信支付查询），以及全部余额与库存"""
    with audit.action(g.actor, "finance.money_check", "finance", "money_check") as after:
        report = money_checks.daily_check(trigger="staff")
        after.update({"orders_checked": report["orders_checked"], "difference_count": report["difference_count"]})
    return _with_labels(report)

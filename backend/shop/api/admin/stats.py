"""Statistics (S1, S2): summary, cancellations and refunds grouped many ways, CSV export."""
from __future__ import annotations

from ...domain.money import yuan
from ...services import stats
from ..blueprint import Blueprint
from .access import staff_required
from .common import csv_response
from .schemas import (CSV_DOC, DateRangeArgsSchema, StatsArgsSchema, StatsExportArgsSchema, StatsReportSchema,
                      StatsSummarySchema)

blp = Blueprint("admin_stats", __name__, url_prefix="/api/admin", description="后台：统计报表")

GROUP_LABELS = {"day": "日期", "week": "周", "month": "月份", "reason": "原因", "stage": "阶段", "category": "商品类目",
                "customer_group": "客户类型", "member_level": "会员等级", "operator": "操作人"}
MEASURE_HEADERS = {
    "cancellations": [("count", "取消单数"), ("orders", "下单数"), ("cancel_rate", "取消率"),
                      ("amount_fen", "取消订单金额（元）"), ("paid_fen", "其中已付（元）"), ("stock_returned", "退回库存（件）")],
    "refunds": [("count", "退款笔数"), ("amount_fen", "退款金额（元）"), ("succeeded_fen", "已退成功（元）"),
                ("abnormal", "异常笔数")],
}


def _cell(name: str, value):
    if value is None:
        return ""
    if name.endswith("_fen"):
        return yuan(value)
    if name == "cancel_rate":
        return f"{value * 100:.2f}%"
    return value


@blp.get("/stats/summary")
@staff_required("stats.view")
@blp.arguments(DateRangeArgsSchema, location="query")
@blp.response(200, StatsSummarySchema)
def summary(args):
    """概览：下单数、付款、取消数与取消率、退款笔数与金额、退回库存（默认近 30 天）"""
    return stats.summary(args["date_from"], args["date_to"])


@blp.get("/stats/cancellations")
@staff_required("stats.view")
@blp.arguments(StatsArgsSchema, location="query")
@blp.response(200, StatsReportSchema)
def cancellations(args):
    """取消统计：group_by = day|week|month|reason|stage|category|customer_group|member_level|operator"""
    return stats.report("cancellations", args["group_by"], args["date_from"], args["date_to"])


@blp.get("/stats/refunds")
@staff_required("stats.view")
@blp.arguments(StatsArgsSchema, location="query")
@blp.response(200, StatsReportSchema)
def refunds(args):
    """退款统计：分组同上；amount_fen 为发起金额，succeeded_fen 为已退成功金额"""
    return stats.report("refunds", args["group_by"], args["date_from"], args["date_to"])


@blp.get("/stats/export.csv")
@staff_required("stats.view")
@blp.arguments(StatsExportArgsSchema, location="query")
@blp.response(200, content_type="text/csv")
@blp.doc(**CSV_DOC)
def export(args):
    """导出报表 CSV（report = cancellations | refunds；金额单位：元）"""
    data = stats.report(args["report"], args["group_by"], args["date_from"], args["date_to"])
    measures = MEASURE_HEADERS[args["report"]]
    header = [GROUP_LABELS[args["group_by"]]] + [title for _, title in measures]
    rows = [[row["label"]] + [_cell(name, row.get(name)) for name, _ in measures] for row in data["rows"]]
    rows.append(["合计"] + [_cell(name, data["totals"].get(name)) for name, _ in measures])
    title = "取消统计" if args["report"] == "cancellations" else "退款统计"
    return csv_response(f"{title}_{data['from']}_{data['to']}.csv", header, rows)

"""The workbench (工作台): to-do counts and today's figures; cancel feedback (C6)."""
from __future__ import annotations

from ...services import admin_queries, after_sales, cancellation, invoices, meta, notifications, stats
from ..blueprint import Blueprint
from .access import staff_required
from .common import page_of
from .schemas import AdminMetaSchema, AdminPageArgsSchema, LoosePageSchema, TodoSchema

blp = Blueprint("admin_workbench", __name__, url_prefix="/api/admin", description="后台：工作台与取消反馈")


@blp.get("/todo")
@staff_required("order.view")
@blp.response(200, TodoSchema)
def todo():
    """待办数量（待审核申请、退货待收货、异常退款……；orders_to_ship 待发货订单数，不计入 total）与今日下单/取消/退款数"""
    counts = dict(notifications.staff_todo_counts())
    # Cases already approved and on their way back: not among the pending requests, so a to-do of their own.
    counts["returns_to_receive"] = after_sales.returns_awaiting_receipt_count()
    counts["total"] = counts.get("total", 0) + counts["returns_to_receive"]
    # Finance's invoices (R10): requests to issue, and 冲红/重开 after a refund.
    invoice_counts = invoices.todo_counts()
    counts.update(invoice_counts)
    counts["total"] += sum(invoice_counts.values())
    # The warehouse's day (待发货): a figure of the work waiting, not an alert, so not in the total.
    counts["orders_to_ship"] = admin_queries.orders_to_ship_count()
    return {"todo": counts, "today": stats.today()}


@blp.get("/meta")
@staff_required("order.view")
@blp.response(200, AdminMetaSchema)
def admin_meta():
    """后台显示的全部中文名称（一处来源）：订单/退款/售后/投诉状态、按钮（actions）、权限、角色、设置项、
    取消原因、可修改字段、操作日志动作、对账状态，以及微信错误码的说明（retryable：系统会自动重试）"""
    return meta.admin_meta()


@blp.get("/feedback")
@staff_required("feedback.view")
@blp.arguments(AdminPageArgsSchema, location="query")
@blp.response(200, LoosePageSchema)
def feedback(args):
    """顾客取消订单后的反馈（评分 + 文字）"""
    result = cancellation.list_feedback(page=args["page"], per_page=args["per_page"])
    return page_of(result, args["page"], args["per_page"])

"""WeChat Pay consumer complaints (投诉, W6): the inbox, one complaint with its order and WeChat's
negotiation history, and the actions the row's `actions` offer (respond, update_refund_progress, complete).
Rules and WeChat calls: services/complaints.py; every action is audited with its change."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate, validates_schema, ValidationError

from ...services import admin_queries
from ...services import complaints as service
from ..blueprint import Blueprint
from .access import staff_required
from .common import page_of, plain
from .orders import staff_order_json
from .schemas import AdminPageArgsSchema, LoosePageSchema

blp = Blueprint("admin_complaints", __name__, url_prefix="/api/admin",
                description="后台：微信支付消费者投诉（24 小时内首次回复、72 小时内处理完成）")

STATES = ("pending", "processing", "processed")


class ComplaintArgsSchema(AdminPageArgsSchema):
    state = fields.String(validate=validate.OneOf(STATES, error="状态须为 pending、processing 或 processed"))
    due_soon = fields.Boolean(load_default=False, metadata={"description": "只看已提醒（4 小时内到期或已超时）的投诉"})
    q = fields.String(validate=validate.Length(max=64), metadata={"description": "投诉单号或商户订单号"})


class DeadlineSchema(Schema):
    kind = fields.String(metadata={"description": "reply（24 小时内首次回复）/ resolve（72 小时内处理完成）"})
    label = fields.String()
    due_at = fields.String()
    met = fields.Boolean()
    overdue = fields.Boolean()
    alert = fields.Boolean(metadata={"description": "距截止不足 4 小时且未完成"})
    countdown = fields.String(metadata={"description": "如 还剩 3小时20分 / 已超时 1小时5分 / 已完成"})


class ComplaintSchema(Schema):
    id = fields.Integer()
    complaint_id = fields.String()
    order_id = fields.Integer(allow_none=True)
    out_trade_no = fields.String(allow_none=True)
    transaction_id = fields.String(allow_none=True)
    amount_fen = fields.Integer(allow_none=True)
    complaint_time = fields.String()
    state = fields.String()
    state_label = fields.String()
    detail = fields.String()
    problem_description = fields.String()
    media_urls = fields.List(fields.String())
    user_complaint_times = fields.Integer()
    first_replied_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema))
    actions = fields.List(fields.String(), metadata={"description": "respond / update_refund_progress / complete"})


class ComplaintDetailSchema(ComplaintSchema):
    order = fields.Dict(allow_none=True, metadata={"description": "关联订单（员工视角，含时间线与退款）"})
    history = fields.List(fields.Dict(), allow_none=True, metadata={"description": "微信协商历史"})
    history_error = fields.String(allow_none=True)


class RespondInSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=200, error="回复内容须为 1-200 个字"))


class RefundProgressInSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("approve", "reject"),
                                                                  error="action 须为 approve（同意）或 reject（拒绝）"))
    launch_refund_day = fields.Integer(strict=True, validate=validate.Range(min=0, max=30, error="须为 0-30 个工作日"))
    reject_reason = fields.String(validate=validate.Length(max=200))
    remark = fields.String(validate=validate.Length(max=200))

    @validates_schema
    def _needs(self, data, **_):
        if data["action"] == "approve" and data.get("launch_refund_day") is None:
            raise ValidationError("同意退款时请填写预计几个工作日内发起退款（0 为当天）", "launch_refund_day")
        if data["action"] == "reject" and not (data.get("reject_reason") or "").strip():
            raise ValidationError("拒绝退款时请填写原因", "reject_reason")


def _detail(complaint_pk: int) -> dict:
    row = service.get_complaint(complaint_pk)
    body = service.complaint_json(row, g.staff.role)
    order_id = row.order_id
    history = service.negotiation_history(complaint_pk)  # WeChat, outside any transaction
    body["order"] = staff_order_json(admin_queries.get_order(order_id, for_view=True)) if order_id else None
    body["history"], body["history_error"] = history["items"], history["error"]
    return plain(body)


@blp.get("/complaints")
@staff_required("complaint.view")
@blp.arguments(ComplaintArgsSchema, location="query")
@blp.response(200, LoosePageSchema)
def list_complaints(args):
    """投诉列表（筛选：状态、已提醒、投诉单号/订单号），每行含两个截止时间的倒计时与当前员工可用的 actions"""
    result = service.list_complaints(state=args.get("state"), due_soon=args["due_soon"], q=args.get("q"),
                                     page=args["page"], per_page=args["per_page"], role=g.staff.role)
    return page_of(result, args["page"], args["per_page"])


@blp.get("/complaints/<int:complaint_pk>")
@staff_required("complaint.view")
@blp.response(200, ComplaintDetailSchema)
def get_complaint(complaint_pk):
    """投诉详情：图片、关联订单（时间线、退款）、微信协商历史"""
    return _detail(complaint_pk)


@blp.post("/complaints/<int:complaint_pk>/respond")
@staff_required("complaint.respond")
@blp.arguments(RespondInSchema)
@blp.response(200, ComplaintDetailSchema)
def respond(body, complaint_pk):
    """回复用户（先提交微信，微信受理后记录并审计；计入 24 小时首次回复）"""
    service.respond(complaint_pk, g.actor, body["text"])
    return _detail(complaint_pk)


@blp.post("/complaints/<int:complaint_pk>/update-refund-progress")
@staff_required("complaint.respond")
@blp.arguments(RefundProgressInSchema)
@blp.response(200, ComplaintDetailSchema)
def update_refund_progress(body, complaint_pk):
    """更新退款审批结果：同意（预计几个工作日内发起退款）或拒绝（原因）"""
    service.update_refund_progress(complaint_pk, g.actor, approve=body["action"] == "approve",
                                   launch_refund_day=body.get("launch_refund_day"),
                                   reject_reason=body.get("reject_reason"), remark=body.get("remark"))
    return _detail(complaint_pk)


@blp.post("/complaints/<int:complaint_pk>/complete")
@staff_required("complaint.complete")
@blp.response(200, ComplaintDetailSchema)
def complete(complaint_pk):
    """反馈处理完成（主管；须先回复用户）"""
    service.complete(complaint_pk, g.actor)
    return _detail(complaint_pk)

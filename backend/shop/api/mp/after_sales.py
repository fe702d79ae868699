"""Mini-program after-sales (A1–A2): reasons, apply, follow the case, send the goods back."""
from flask import g
from marshmallow import Schema, fields, validate

from ...domain.after_sales import MAX_PHOTOS, TYPE_HINTS, TYPE_LABELS, reasons_for_picker
from ...services import after_sales, shopper_requests
from ..auth import shopper_required
from ..blueprint import Blueprint
from ..ids import id_field, quantity_field
from ..schemas import ShanghaiDateTime, text

blp = Blueprint("mp_after_sales", __name__, url_prefix="/api/mp", description="小程序：售后申请与退货（A1/A2）")


class AfterSaleLineInSchema(Schema):
    line_id = id_field(required=True)
    quantity = quantity_field(required=True)


class AfterSaleApplySchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf([t.value for t in TYPE_LABELS], error="不支持的售后类型"),
                         metadata={"description": "refund_only 仅退款 / return_refund 退货退款 / exchange 换货 / repair 维修"})
    reason_code = text(32, required=True, metadata={"example": "quality_issue"})
    reason_text = fields.String(load_default="", validate=validate.Length(max=500, error="问题描述最多 500 字"))
    lines = fields.List(fields.Nested(AfterSaleLineInSchema), required=True,
                        validate=validate.Length(min=1, error="至少选择一件商品"))
    photos = fields.List(fields.String(validate=validate.Length(max=500)), load_default=list,
                         validate=validate.Length(max=MAX_PHOTOS, error=f"最多上传 {MAX_PHOTOS} 张凭证图片"))


class ReturnShipmentSchema(Schema):
    carrier = text(40, required=True, metadata={"example": "顺丰速运"})
    tracking_no = text(40, required=True, metadata={"example": "SF1234567890"})


class AfterSaleLineSchema(Schema):
    line_id = fields.Integer()
    quantity = fields.Integer()
    product_name = fields.String()
    sku_name = fields.String()
    image = fields.String()


class AfterSaleRefundSchema(Schema):
    id = fields.Integer()
    out_refund_no = fields.String()
    amount_fen = fields.Integer()
    method = fields.String()
    method_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    expected_arrival = fields.String()
    succeeded_at = ShanghaiDateTime(allow_none=True)


class AfterSaleMessageSchema(Schema):
    id = fields.Integer()
    author = fields.String(metadata={"description": "shopper / staff / system"})
    author_name = fields.String()
    kind = fields.String(metadata={"description": "apply / proposal / accepted / declined / evidence / expired / "
                                                  "approved / rejected / closed / auto_refund / escalated"})
    text = fields.String()
    photos = fields.List(fields.String())
    created_at = ShanghaiDateTime()


class ProposalSchema(Schema):
    kind = fields.String(metadata={"description": "change_type / change_amount / more_evidence / withdraw"})
    kind_label = fields.String()
    type = fields.String(metadata={"description": "接受后的售后类型"})
    amount_fen = fields.Integer(metadata={"description": "接受后的退款金额（分）"})
    message = fields.String()
    text = fields.String(metadata={"description": "给顾客看的完整说明"})


class EvidenceSchema(Schema):
    text = fields.String(load_default="", validate=validate.Length(max=500, error="说明最多 500 字"))
    photos = fields.List(fields.String(validate=validate.Length(max=500)), load_default=list,
                         validate=validate.Length(max=MAX_PHOTOS, error=f"最多上传 {MAX_PHOTOS} 张凭证图片"))


class DeclineSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=200, error="原因最多 200 字"))


class AutoRuleSchema(Schema):
    id = fields.Integer(metadata={"description": "0: the built-in rule (未发货仅退款)"})
    name = fields.String()
    effect = fields.String(metadata={"description": "auto_approve | no_return | instant_refund"})
    effect_label = fields.String(metadata={"example": "极速退款"})
    text = fields.String(metadata={"example": "按规则「白名单极速退款」自动同意"})


class AfterSaleSchema(Schema):
    id = fields.Integer()
    request_id = fields.Integer()
    order_id = fields.Integer()
    order_no = fields.String()
    type = fields.String()
    type_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    reason_code = fields.String()
    reason_label = fields.String()
    reason_text = fields.String()
    lines = fields.List(fields.Nested(AfterSaleLineSchema))
    photos = fields.List(fields.String())
    amount_fen = fields.Integer()
    return_address = fields.String(allow_none=True)
    return_carrier = fields.String(allow_none=True)
    return_tracking_no = fields.String(allow_none=True)
    replacement_carrier = fields.String(allow_none=True)
    replacement_tracking_no = fields.String(allow_none=True)
    decision = fields.String()
    decision_reason = fields.String(allow_none=True)
    decided_at = ShanghaiDateTime(allow_none=True)
    due_at = ShanghaiDateTime(allow_none=True)
    deadline_at = ShanghaiDateTime(allow_none=True, metadata={"description": "当前环节的截止时间（A5）"})
    deadline_label = fields.String(allow_none=True, metadata={"example": "还剩 1天3小时"})
    deadline_seconds = fields.Integer(allow_none=True, metadata={"description": "截止前剩余秒数（按服务器时钟）"})
    deadline_for = fields.String(allow_none=True, metadata={"description": "shopper 顾客 / staff 商家需要处理"})
    deadline_stage = fields.String(allow_none=True, metadata={"example": "顾客寄回商品"})
    proposal = fields.Nested(ProposalSchema, allow_none=True, metadata={"description": "商家待回应的协商方案"})
    auto_rule = fields.Nested(AutoRuleSchema, allow_none=True,
                              metadata={"description": "自动同意时：作出决定的售后规则（A6）"})
    messages = fields.List(fields.Nested(AfterSaleMessageSchema), metadata={"description": "协商历史"})
    refund = fields.Nested(AfterSaleRefundSchema, allow_none=True)
    actions = fields.List(fields.String())
    buttons = fields.List(fields.Dict(), metadata={"description": "the actions as the mini-program draws them: action, "
                                                                  "label, primary, confirm (title, content, "
                                                                  "confirm_text), done — the server's words"})
    created_at = ShanghaiDateTime()


class ReasonSchema(Schema):
    code = fields.String()
    label = fields.String()
    quality = fields.Boolean(metadata={"description": "质量类原因，适用更长的售后期限"})


class TypeOptionSchema(Schema):
    code = fields.String(metadata={"example": "refund_only"})
    label = fields.String(metadata={"example": "仅退款"})
    hint = fields.String(metadata={"example": "未收到货，或与商家协商一致不用退货"})


class ReasonsSchema(Schema):
    reasons = fields.List(fields.Nested(ReasonSchema))
    types = fields.List(fields.Nested(TypeOptionSchema))


class ApplyOptionsSchema(Schema):
    types = fields.List(fields.Nested(TypeOptionSchema),
                        metadata={"description": "该订单可申请的售后类型（未收货只能仅退款），按表单顺序"})
    note = fields.String(metadata={"description": "可选类型少于全部时的原因，否则为空", "example": "订单未发货，只能申请仅退款"})
    reasons = fields.List(fields.Nested(ReasonSchema))


@blp.get("/after-sale-reasons")
@blp.response(200, ReasonsSchema)
def reasons():
    """售后原因与全部类型（供选择器使用；某个订单可申请的类型见 /orders/{order_id}/after-sale-options）"""
    return {"reasons": reasons_for_picker(),
            "types": [{"code": t.value, "label": t.label, "hint": TYPE_HINTS[t]} for t in TYPE_LABELS]}


@blp.get("/orders/<int:order_id>/after-sale-options")
@blp.response(200, ApplyOptionsSchema)
@shopper_required
def apply_options(order_id):
    """申请售后表单的选项：该订单可申请的类型（名称与说明）、原因"""
    return after_sales.apply_options(order_id, g.shopper.id)


@blp.post("/orders/<int:order_id>/after-sales")
@blp.arguments(AfterSaleApplySchema)
@blp.response(201, AfterSaleSchema)
@shopper_required
def apply(body, order_id):
    """申请售后：类型、原因、商品与数量、凭证图片"""
    case = after_sales.apply(order_id, g.shopper.id, body["type"], body["reason_code"], body["reason_text"],
                             body["lines"], body["photos"])
    return after_sales.get_case(case.id, g.shopper.id)


@blp.get("/after-sales/<int:case_id>")
@blp.response(200, AfterSaleSchema)
@shopper_required
def get_case(case_id):
    return after_sales.get_case(case_id, g.shopper.id)


@blp.post("/after-sales/<int:case_id>/return-shipment")
@blp.arguments(ReturnShipmentSchema)
@blp.response(200, AfterSaleSchema)
@shopper_required
def return_shipment(body, case_id):
    """寄回商品后填写快递公司与单号"""
    after_sales.submit_return_shipment(case_id, g.shopper.id, body["carrier"], body["tracking_no"])
    return after_sales.get_case(case_id, g.shopper.id)


@blp.post("/after-sales/<int:case_id>/withdraw")
@blp.response(200, AfterSaleSchema)
@shopper_required
def withdraw(case_id):
    """撤回商家尚未处理的售后申请（见 actions 中的 withdraw）"""
    shopper_requests.withdraw_after_sale(case_id, g.shopper.id)
    return after_sales.get_case(case_id, g.shopper.id)


@blp.post("/after-sales/<int:case_id>/accept-proposal")
@blp.response(200, AfterSaleSchema)
@shopper_required
def accept_proposal(case_id):
    """接受商家的协商方案（见 actions 中的 accept_proposal）：按方案改为仅退款/部分退款并处理，或撤销申请"""
    after_sales.accept_proposal(case_id, g.shopper.id)
    return after_sales.get_case(case_id, g.shopper.id)


@blp.post("/after-sales/<int:case_id>/decline-proposal")
@blp.arguments(DeclineSchema)
@blp.response(200, AfterSaleSchema)
@shopper_required
def decline_proposal(body, case_id):
    """不同意商家的协商方案：交回商家处理（见 actions 中的 decline_proposal）"""
    after_sales.decline_proposal(case_id, g.shopper.id, body["reason"])
    return after_sales.get_case(case_id, g.shopper.id)


@blp.post("/after-sales/<int:case_id>/evidence")
@blp.arguments(EvidenceSchema)
@blp.response(200, AfterSaleSchema)
@shopper_required
def add_evidence(body, case_id):
    """按商家要求补充凭证（照片、短视频地址、说明），交回商家处理（见 actions 中的 add_evidence）"""
    after_sales.add_evidence(case_id, g.shopper.id, body["text"], body["photos"])
    return after_sales.get_case(case_id, g.shopper.id)

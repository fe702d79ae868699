"""Coupon templates (O7): staff create, edit, publish to 领券, issue to shoppers and stop; every change audited."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from ...domain.clock import SHANGHAI
from ...services import audit, coupons
from ..blueprint import Blueprint
from ..ids import DB_ID_MAX, id_field
from ..schemas import PageArgsSchema
from .access import staff_required
from .common import page_of, plain
from .schemas import LoosePageSchema

blp = Blueprint("admin_coupons", __name__, url_prefix="/api/admin", description="后台：优惠券模板、发放与领取（O7）")

FEN = validate.Range(min=0, max=100_000_000, error="金额须在 0 到 100 万元之间")


class CouponTemplateListArgsSchema(PageArgsSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(["active", "stopped"]))


class CouponTemplateInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60, error="名称须在 1 到 60 字之间"))
    description = fields.String(load_default="", validate=validate.Length(max=200, error="说明不能超过 200 字"))
    kind = fields.String(required=True, validate=validate.OneOf(["amount", "percent"], error="请选择满减券或折扣券"))
    discount_fen = fields.Integer(strict=True, load_default=0, validate=FEN)
    percent_off = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0, max=99))
    max_discount_fen = fields.Integer(strict=True, load_default=None, allow_none=True, validate=FEN)
    threshold_fen = fields.Integer(strict=True, load_default=0, validate=FEN)
    valid_from = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=SHANGHAI,
                                      metadata={"description": "没有时区时按北京时间"})
    valid_until = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=SHANGHAI)
    valid_days = fields.Integer(strict=True, load_default=None, allow_none=True,
                                validate=validate.Range(min=1, max=365, error="领取后有效天数须在 1 到 365 之间"))
    per_shopper_limit = fields.Integer(strict=True, load_default=1, validate=validate.Range(
        min=1, max=100, error="每人限领须在 1 到 100 张之间"))
    total_count = fields.Integer(strict=True, load_default=None, allow_none=True,
                                 validate=validate.Range(min=1, max=10_000_000, error="发行总量须至少 1 张"))
    scope = fields.String(load_default="all", validate=validate.OneOf(["all", "categories", "products"]))
    scope_ids = fields.List(id_field(), load_default=list, validate=validate.Length(max=200))
    returnable = fields.Boolean(load_default=True, metadata={"description": "订单取消后退回（仍在有效期内时）"})
    claimable = fields.Boolean(load_default=False, metadata={"description": "创建后立即开放领取"})


class CouponTemplateEditSchema(CouponTemplateInSchema):
    """Only the fields sent change (partial); once issued, only name, description and the limits may."""


class IssueInSchema(Schema):
    shopper_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=DB_ID_MAX,
                                                                                  error="编号无效")),
                              load_default=list, validate=validate.Length(max=500, error="一次最多发放 500 人"))
    openids = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list,
                          validate=validate.Length(max=500, error="一次最多发放 500 人"))


class CouponTemplateSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    rule_text = fields.String(metadata={"example": "满99减10"})
    kind = fields.String()
    kind_label = fields.String()
    discount_fen = fields.Integer()
    percent_off = fields.Integer()
    max_discount_fen = fields.Integer(allow_none=True)
    threshold_fen = fields.Integer()
    valid_from = fields.String(allow_none=True, metadata={"description": "北京时间 ISO 8601"})
    valid_until = fields.String(allow_none=True)
    valid_days = fields.Integer(allow_none=True)
    per_shopper_limit = fields.Integer()
    total_count = fields.Integer(allow_none=True)
    issued_count = fields.Integer()
    scope = fields.String()
    scope_label = fields.String()
    scope_ids = fields.List(fields.Integer())
    returnable = fields.Boolean()
    status = fields.String()
    status_label = fields.String()
    claimable = fields.Boolean()
    expired = fields.Boolean()
    created_at = fields.String(allow_none=True)
    actions = fields.List(fields.String(), metadata={"description": "edit / issue / publish / unpublish / stop"})


class IssueOutSchema(Schema):
    issued = fields.Integer()
    shopper_ids = fields.List(fields.Integer())
    skipped = fields.List(fields.Dict(), metadata={"description": "[{shopper, reason}]"})
    coupon = fields.Nested(CouponTemplateSchema)


def _json(coupon) -> dict:
    return plain(coupons.template_json(coupon))


def _audited(action: str, coupon_id: int, run, **extra) -> dict:
    with audit.action(g.actor, action, "coupon", coupon_id, lambda: coupons.snapshot(coupon_id), **extra):
        coupon = run()
    return _json(coupon)


@blp.get("/coupons")
@staff_required("coupon.view")
@blp.arguments(CouponTemplateListArgsSchema, location="query")
@blp.response(200, LoosePageSchema)
def list_templates(args):
    """优惠券模板，新建的在前；每行的 actions 是可用的按钮"""
    return page_of(coupons.list_templates(args["status"], args["page"], args["per_page"]), args["page"],
                   args["per_page"])


@blp.post("/coupons")
@staff_required("coupon.manage")
@blp.arguments(CouponTemplateInSchema)
@blp.response(201, CouponTemplateSchema)
def create_template(body):
    return _json(coupons.create_template(body, g.actor))


@blp.get("/coupons/<int:coupon_id>")
@staff_required("coupon.view")
@blp.response(200, CouponTemplateSchema)
def get_template(coupon_id):
    return _json(coupons.get_template(coupon_id))


@blp.patch("/coupons/<int:coupon_id>")
@staff_required("coupon.manage")
@blp.arguments(CouponTemplateEditSchema(partial=True))
@blp.response(200, CouponTemplateSchema)
def update_template(body, coupon_id):
    """编辑。已发放过的券只能改名称、说明、每人限领和发行总量"""
    return _audited("coupon.update", coupon_id, lambda: coupons.update_template(coupon_id, body))


@blp.post("/coupons/<int:coupon_id>/publish")
@staff_required("coupon.manage")
@blp.response(200, CouponTemplateSchema)
def publish(coupon_id):
    """开放领取：顾客在小程序领券中心可以领"""
    return _audited("coupon.publish", coupon_id, lambda: coupons.set_claimable(coupon_id, True))


@blp.post("/coupons/<int:coupon_id>/unpublish")
@staff_required("coupon.manage")
@blp.response(200, CouponTemplateSchema)
def unpublish(coupon_id):
    return _audited("coupon.unpublish", coupon_id, lambda: coupons.set_claimable(coupon_id, False))


@blp.post("/coupons/<int:coupon_id>/stop")
@staff_required("coupon.manage")
@blp.response(200, CouponTemplateSchema)
def stop(coupon_id):
    """停用：不再发放和领取，已发出的券有效期内仍可使用"""
    return _audited("coupon.stop", coupon_id, lambda: coupons.stop_template(coupon_id))


@blp.post("/coupons/<int:coupon_id>/issue")
@staff_required("coupon.manage")
@blp.arguments(IssueInSchema)
@blp.response(200, IssueOutSchema)
def issue(body, coupon_id):
    """发放给顾客（顾客编号或 openid）；不能发的逐个列出原因"""
    coupons.get_template(coupon_id)
    with audit.action(g.actor, "coupon.issue", "coupon", coupon_id) as after:
        result = coupons.issue(coupon_id, body["shopper_ids"], body["openids"])
        after.update(issued=result["shopper_ids"], skipped=result["skipped"])
    return {**result, "coupon": _json(coupons.get_template(coupon_id))}

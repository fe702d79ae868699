"""设置 → 售后规则 (A6): the shop's refund rules, read by everyone who may see the settings, edited by
administrators. The service checks each rule (Chinese errors); the schema only checks the shape."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from ...domain.after_sale_rules import EFFECTS, STAGES, TRUST
from ...services import after_sale_rules
from ..blueprint import Blueprint
from ..ids import id_field
from .access import staff_required

blp = Blueprint("admin_after_sale_rules", __name__, url_prefix="/api/admin",
                description="后台：售后规则（自动同意、仅退款无需退货、极速退款）")

def _count(name: str, top: int | None = None) -> fields.Integer:
    return fields.Integer(strict=True, allow_none=True, load_default=None,
                          validate=validate.Range(min=0, max=top, error=f"{name}须为 0{f' 到 {top}' if top else ' 或以上'}的整数"))


class AfterSaleRuleInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=30, error="规则名称须为 1 到 30 字"))
    enabled = fields.Boolean(load_default=True)
    effect = fields.String(required=True, validate=validate.OneOf(list(EFFECTS), error="请选择规则效果"),
                           metadata={"description": "auto_approve 自动同意 | no_return 仅退款无需退货 | instant_refund 极速退款"})
    max_amount_fen = _count("金额上限")
    reasons = fields.List(fields.String(validate=validate.Length(max=32)), load_default=list,
                          validate=validate.Length(max=20))
    category_ids = fields.List(id_field(), load_default=list, validate=validate.Length(max=50))
    stages = fields.List(fields.String(validate=validate.OneOf(list(STAGES), error="订单阶段无效")), load_default=list)
    trust = fields.String(load_default="any", validate=validate.OneOf(list(TRUST), error="请选择顾客范围"))
    min_completed_orders = _count("最少完成订单数")
    max_refund_rate_percent = _count("最高退款率", 100)


class AfterSaleRuleSchema(AfterSaleRuleInSchema):
    id = fields.Integer()
    summary = fields.String(metadata={"description": "the rule in one Chinese sentence"})


class RuleOptionSchema(Schema):
    value = fields.Raw()
    label = fields.String()


class AfterSaleRulesSchema(Schema):
    items = fields.List(fields.Nested(AfterSaleRuleSchema), metadata={"description": "in order: the first match wins"})
    options = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(RuleOptionSchema)),
                          metadata={"description": "effects, stages, trust, reasons, categories, with Chinese labels"})


@blp.get("/after-sale-rules")
@staff_required("settings.view")
@blp.response(200, AfterSaleRulesSchema)
def list_rules():
    """售后规则列表（按顺序匹配，第一条命中的规则生效）及编辑选项（中文名称）"""
    return after_sale_rules.list_rules()


@blp.post("/after-sale-rules")
@staff_required("settings.manage")
@blp.arguments(AfterSaleRuleInSchema)
@blp.response(200, AfterSaleRulesSchema)
def add_rule(body):
    """新增售后规则（排在最后）"""
    return after_sale_rules.add_rule(g.actor, body)


@blp.put("/after-sale-rules/<int:rule_id>")
@staff_required("settings.manage")
@blp.arguments(AfterSaleRuleInSchema)
@blp.response(200, AfterSaleRulesSchema)
def update_rule(body, rule_id):
    """修改售后规则"""
    return after_sale_rules.update_rule(g.actor, rule_id, body)


@blp.delete("/after-sale-rules/<int:rule_id>")
@staff_required("settings.manage")
@blp.response(200, AfterSaleRulesSchema)
def delete_rule(rule_id):
    """删除售后规则"""
    return after_sale_rules.delete_rule(g.actor, rule_id)

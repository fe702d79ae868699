"""Shop settings staff change in the admin, applied over the configured Policy.

Every field of `domain.policy.Policy` is a setting: its default comes from the Policy (or the
POLICY_* config), an administrator's value stored in `shop_settings` wins. Services keep reading
`deps().policy`: it applies these settings (see services/context.py), so a change in the admin
takes effect on the next request without a restart.
"""
from __future__ import annotations

import re
from dataclasses import fields, replace

from sqlalchemy import select

from ..db import ShopSetting
from ..domain import clock
from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode
from ..domain.policy import Policy
from ..extensions import db
from . import audit
from .context import deps, forget_cached_policy
from .uow import transaction

# Settings with their own editor and API: the refund rules (A6, services/after_sale_rules.py).
EDITED_ELSEWHERE = {"after_sale_rules"}
REASON_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

LABELS = {
    "unpaid_close_seconds": "未支付自动关闭（秒）",
    "auto_confirm_days": "发货后自动确认收货（天）",
    "free_cancel_minutes": "支付后免审核取消窗口（分钟）",
    "staff_cancel_recheck_fen": "员工退款需二次验证的金额（按订单累计退款）",
    "auto_refund_max_fen": "自动退款金额上限（按订单累计退款）",
    "refund_limit_customer_service_fen": "客服退款权限上限（按订单累计退款）",
    "refund_limit_supervisor_fen": "主管退款权限上限（按订单累计退款）",
    "refund_limit_finance_fen": "财务退款权限上限（按订单累计退款）",
    "no_reason_return_days": "七天无理由退货（天）",
    "quality_return_days": "质量问题售后期限（天）",
    "after_sale_reply_hours": "售后申请处理时限（小时）",
    "after_sale_timeout_auto_approve": "售后超时自动同意",
    "after_sale_proposal_answer_hours": "顾客回应协商时限（小时，超时视为不同意）",
    "after_sale_return_ship_days": "顾客寄回商品时限（天，超时关闭售后）",
    "after_sale_receipt_days": "商家确认收货时限（天，超时自动退款）",
    "after_sale_max_cases_per_line": "每件商品最多申请售后次数",
    "free_shipping_threshold_fen": "包邮门槛",
    "shipping_fee_fen": "运费",
    "shopper_cancel_reasons": "顾客取消原因",
    "merchant_cancel_reasons": "商家取消原因",
    "risk_window_days": "风控：统计近几天的行为（天）",
    "risk_max_refunds": "风控：退款次数上限",
    "risk_max_cancels": "风控：取消订单次数上限",
    "risk_max_refund_rate_percent": "风控：退款率上限（%）",
    "risk_min_orders_for_rate": "风控：订单数达到几笔才计算退款率",
    "risk_max_addresses": "风控：收货地址数上限",
    "risk_bulk_orders": "风控：集中下单后一起退款的订单数",
    "risk_bulk_window_minutes": "风控：集中下单的时间窗口（分钟）",
    "risk_max_unpaid_closed": "风控：超时未支付被关闭的订单数上限",
    "max_unpaid_orders_per_shopper": "每位顾客最多同时有几笔待付款订单",
    "max_unpaid_units_per_sku": "每位顾客待付款订单中同一规格最多几件",
    "upload_daily_count": "每位顾客 24 小时内最多上传几张凭证图片",
}


def _stored() -> dict:
    # Read without flushing the caller's pending changes: services ask for the policy mid-transaction.
    with db.session.no_autoflush:
        rows = db.session.execute(select(ShopSetting.key, ShopSetting.value)).all()
    return {key: (value or {}).get("value") for key, value in rows}


def overlay(base: Policy) -> Policy:
    """`base` with the admin's stored settings applied over it."""
    known = {f.name for f in fields(Policy)}
    overrides = {k: v for k, v in _stored().items() if k in known}
    return replace(base, **overrides) if overrides else base


def current_policy() -> Policy:
    """The Policy in force now (the same as `deps().policy`)."""
    return deps().policy


def describe() -> list[dict]:
    """Every setting with its value in force, its default and its label, for the settings page."""
    base, policy = deps().base_policy, current_policy()
    return [{"key": f.name, "label": LABELS.get(f.name, f.name), "value": getattr(policy, f.name),
             "default": getattr(base, f.name), "type": _kind(getattr(base, f.name))} for f in fields(Policy)
            if f.name not in EDITED_ELSEWHERE]


def _kind(default) -> str:
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    if isinstance(default, dict):
        return "reasons"
    return type(default).__name__


def _validated(key: str, value, default):
    kind = _kind(default)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise DomainError(ErrorCode.VALIDATION_ERROR, f"{LABELS.get(key, key)}须为是或否", {key: "须为布尔值"})
        return value
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DomainError(ErrorCode.VALIDATION_ERROR, f"{LABELS.get(key, key)}须为非负整数", {key: "须为非负整数"})
        return value
    if kind == "reasons":
        if not isinstance(value, dict) or not value:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "原因列表不能为空", {key: "原因列表不能为空"})
        for code, label in value.items():
            if not REASON_CODE.match(str(code)) or not isinstance(label, str) or not 0 < len(label.strip()) <= 20:
                raise DomainError(ErrorCode.VALIDATION_ERROR, "原因代码须为小写字母、数字或下划线，名称 1 到 20 字",
                                  {key: f"无效的原因：{code}"})
        return {str(code): label.strip() for code, label in value.items()}
    raise DomainError(ErrorCode.VALIDATION_ERROR, "该设置不可修改", {key: "不可修改"})


def update(actor: Actor, values: dict) -> list[dict]:
    """Change some settings; unknown keys are refused, every change is audited."""
    base = deps().base_policy
    known = {f.name for f in fields(Policy)}
    unknown = sorted(set(values) - (known - EDITED_ELSEWHERE))
    if unknown:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "存在不支持的设置项", {k: "不支持的设置项" for k in unknown})
    clean = {key: _validated(key, value, getattr(base, key)) for key, value in values.items()}
    with transaction():
        before = _stored()
        for key, value in clean.items():
            row = db.session.get(ShopSetting, key)
            if row is None:
                row = ShopSetting(key=key)
                db.session.add(row)
            row.value, row.updated_by, row.updated_at = {"value": value}, actor.name, clock.now()
        audit.record(actor, "settings.update", "settings", "shop",
                     {k: before.get(k, getattr(base, k)) for k in clean}, clean, commit=False)
    forget_cached_policy()
    return describe()

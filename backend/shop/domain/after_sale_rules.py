"""Refund rules as data (A6): which after-sales cases a machine may approve, and how.

A rule is a small JSON object an administrator edits in 设置 → 售后规则 (stored as the shop setting
`after_sale_rules`, a list; the first rule that matches wins):

    {"id": 1, "name": "生鲜仅退款", "enabled": true, "effect": "no_return",
     "max_amount_fen": 3000, "reasons": ["damaged"], "category_ids": [3], "stages": ["delivered"],
     "trust": "history", "min_completed_orders": 3, "max_refund_rate_percent": 20}

Effects: 自动同意 (the case is approved as applied: a return still comes back), 仅退款无需退货 (a 退货退款
becomes 仅退款 and is refunded at once, the shopper keeps the goods), 极速退款 (a trusted shopper's small
仅退款 is approved and paid at once, whatever the stage). Empty lists mean "any".

Never matched, whatever the rule says: a flagged shopper (K1), a disputed reason (R5 — a person judges
those), an order whose cumulative refund would pass the shop's automatic ceiling (R12). The single refund
policy (`refund_policy.decide_refund`) asks `matching_rule`; nothing else does.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import DomainError, ErrorCode
from .money import yuan

EFFECTS = {
    "auto_approve": "自动同意",
    "no_return": "仅退款无需退货",
    "instant_refund": "极速退款",
}
# the case types each effect applies to
EFFECT_TYPES = {
    "auto_approve": frozenset({"refund_only", "return_refund", "exchange", "repair"}),
    "no_return": frozenset({"refund_only", "return_refund"}),
    "instant_refund": frozenset({"refund_only"}),
}
STAGES = {
    "unshipped": "未发货",
    "shipped": "已发货未签收",
    "delivered": "已签收",
}
TRUST = {
    "any": "所有顾客",
    "allow_listed": "白名单顾客",
    "history": "信誉良好（按历史）",
    "allow_listed_or_history": "白名单或信誉良好",
}
MAX_RULES = 50


@dataclass(frozen=True)
class RuleSubject:
    """The facts a rule is judged on, gathered by the service layer."""

    case_type: str
    reason_code: str
    disputed: bool
    category_ids: frozenset[int]
    stage: str | None            # a key of STAGES, None when the order is in none of them
    allow_listed: bool = False
    completed_orders: int = 0    # the shopper's orders ever completed (签收)
    refund_rate_percent: int = 0  # refunded orders / paid orders in the risk window (K1's measure)


@dataclass(frozen=True)
class RuleMatch:
    """The rule that made an automatic decision, as recorded on the case."""

    id: int  # 0: R5's built-in rule, -1: A3's timeout setting; others: the shop's rules
    name: str
    effect: str

    @property
    def effect_label(self) -> str:
        return EFFECTS.get(self.effect, "自动同意")

    @property
    def decision_text(self) -> str:
        return f"按规则「{self.name}」自动同意"

    @property
    def refunds_without_return(self) -> bool:
        return self.effect in ("no_return", "instant_refund")

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "effect": self.effect, "effect_label": self.effect_label,
                "text": self.decision_text}


# R5's built-in rule, recorded like the others: 仅退款 on an order not yet shipped, under the ceiling.
DEFAULT_RULE = RuleMatch(0, "未发货仅退款（系统默认）", "auto_approve")
# A3's setting, when staff leave a case unanswered past the reply time and the setting approves it.
REPLY_TIMEOUT_RULE = RuleMatch(-1, "商家超时未处理（设置：售后超时自动同意）", "auto_approve")


def _trusted(rule: dict, who: RuleSubject) -> bool:
    trust = rule.get("trust", "any")
    history = who.completed_orders >= int(rule.get("min_completed_orders") or 0) and \
        who.refund_rate_percent <= int(100 if rule.get("max_refund_rate_percent") is None
                                       else rule["max_refund_rate_percent"])
    return {"any": history, "allow_listed": who.allow_listed and history,
            "history": history, "allow_listed_or_history": who.allow_listed or history}.get(trust, False)


def rule_matches(rule: dict, who: RuleSubject, amount_fen: int, watchlisted: bool) -> bool:
    """One rule against one case. A flagged shopper or a disputed reason never matches."""
    if watchlisted or who.disputed or not rule.get("enabled", True):
        return False
    if who.case_type not in EFFECT_TYPES.get(rule.get("effect"), frozenset()):
        return False
    if rule.get("max_amount_fen") is not None and amount_fen > rule["max_amount_fen"]:
        return False
    if rule.get("reasons") and who.reason_code not in rule["reasons"]:
        return False
    if rule.get("category_ids") and not who.category_ids <= set(rule["category_ids"]):
        return False  # every unit of the case must be in a chosen category
    if rule.get("stages") and who.stage not in rule["stages"]:
        return False
    return _trusted(rule, who)


def matching_rule(rules: list[dict], who: RuleSubject, amount_fen: int, watchlisted: bool) -> RuleMatch | None:
    """The first rule, in the administrator's order, that matches; None when none does."""
    for rule in rules or []:
        if rule_matches(rule, who, amount_fen, watchlisted):
            return RuleMatch(rule["id"], rule["name"], rule["effect"])
    return None


# ---- editing (the admin's 售后规则) ----------------------------------------------------------


def _bad(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, message, {field: message})


def _optional_int(raw: dict, field: str, label: str, top: int | None = None) -> int | None:
    value = raw.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (top is not None and value > top):
        raise _bad(field, f"{label}须为 0{f' 到 {top}' if top is not None else ' 或以上'}的整数")
    return value


def _choices(raw: dict, field: str, allowed, label: str) -> list:
    values = raw.get(field) or []
    if not isinstance(values, list) or any(v not in allowed for v in values):
        raise _bad(field, f"{label}包含不支持的选项")
    return list(dict.fromkeys(values))


def validate_rule(raw: dict, rule_id: int, reasons: dict, category_ids: set[int]) -> dict:
    """A rule as an administrator sent it, checked and normalised; every problem in Chinese."""
    if not isinstance(raw, dict):
        raise _bad("rule", "规则格式不正确")
    name = raw.get("name")
    if not isinstance(name, str) or not 0 < len(name.strip()) <= 30:
        raise _bad("name", "规则名称须为 1 到 30 字")
    effect = raw.get("effect")
    if effect not in EFFECTS:
        raise _bad("effect", "请选择规则效果")
    trust = raw.get("trust") or "any"
    if trust not in TRUST:
        raise _bad("trust", "请选择顾客范围")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _bad("enabled", "启用须为是或否")
    categories = raw.get("category_ids") or []
    if not isinstance(categories, list) or any(isinstance(c, bool) or not isinstance(c, int) for c in categories):
        raise _bad("category_ids", "商品分类无效")
    unknown = [c for c in categories if c not in category_ids]
    if unknown:
        raise _bad("category_ids", f"商品分类不存在：{unknown[0]}")
    rule = {
        "id": rule_id, "name": name.strip(), "enabled": enabled, "effect": effect,
        "max_amount_fen": _optional_int(raw, "max_amount_fen", "金额上限"),
        "reasons": _choices(raw, "reasons", reasons, "售后原因"),
        "category_ids": list(dict.fromkeys(categories)),
        "stages": _choices(raw, "stages", STAGES, "订单阶段"),
        "trust": trust,
        "min_completed_orders": _optional_int(raw, "min_completed_orders", "最少完成订单数"),
        "max_refund_rate_percent": _optional_int(raw, "max_refund_rate_percent", "最高退款率", 100),
    }
    if effect == "instant_refund" and (trust == "any" or rule["max_amount_fen"] is None):
        raise _bad("trust", "极速退款只给受信任的顾客、小额的退款：请选择顾客范围并填写金额上限")
    if trust in ("history", "allow_listed_or_history") and rule["min_completed_orders"] is None \
            and rule["max_refund_rate_percent"] is None:
        raise _bad("min_completed_orders", "按历史判断信誉时，请填写最少完成订单数或最高退款率")
    return rule


def describe_rule(rule: dict, reasons: dict, categories: dict[int, str]) -> str:
    """One sentence for the rule list: 已签收 · 不想要了 · ≤ ¥30.00 · 白名单顾客."""
    parts = [EFFECTS[rule["effect"]]]
    if rule.get("stages"):
        parts.append("、".join(STAGES[s] for s in rule["stages"]))
    if rule.get("reasons"):
        parts.append("、".join(reasons.get(r, r) for r in rule["reasons"]))
    if rule.get("category_ids"):
        parts.append("、".join(categories.get(c, str(c)) for c in rule["category_ids"]))
    if rule.get("max_amount_fen") is not None:
        parts.append(f"≤ ¥{yuan(rule['max_amount_fen'])}")
    trust = [TRUST[rule.get("trust", "any")]]
    if rule.get("min_completed_orders") is not None:
        trust.append(f"完成订单 ≥ {rule['min_completed_orders']}")
    if rule.get("max_refund_rate_percent") is not None:
        trust.append(f"退款率 ≤ {rule['max_refund_rate_percent']}%")
    parts.append("，".join(trust))
    return " · ".join(parts)

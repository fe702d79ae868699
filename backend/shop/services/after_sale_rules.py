"""The admin's 售后规则 (A6): list, add, change, delete the shop's refund rules.

The rules are the shop setting `after_sale_rules` (a list in `shop_settings`, like every other setting), so
`deps().policy.after_sale_rules` is what the refund policy reads, and a change takes effect on the next
request. Every change is audited.
"""
from __future__ import annotations

from sqlalchemy import select

from ..db import Category, ShopSetting
from ..domain import clock
from ..domain.actors import Actor
from ..domain.after_sale_rules import EFFECTS, MAX_RULES, STAGES, TRUST, describe_rule, validate_rule
from ..domain.after_sales import REASONS, is_disputed
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db
from . import audit
from .context import deps, forget_cached_policy
from .uow import transaction

KEY = "after_sale_rules"


def _categories() -> dict[int, str]:
    return dict(db.session.execute(select(Category.id, Category.name).order_by(Category.id)).all())


def options() -> dict:
    """The choices the editor offers, with their Chinese labels (disputed reasons are left out: R5)."""
    return {
        "effects": [{"value": k, "label": v} for k, v in EFFECTS.items()],
        "stages": [{"value": k, "label": v} for k, v in STAGES.items()],
        "trust": [{"value": k, "label": v} for k, v in TRUST.items()],
        "reasons": [{"value": k, "label": v} for k, v in REASONS.items() if not is_disputed(k)],
        "categories": [{"value": k, "label": v} for k, v in _categories().items()],
    }


def list_rules() -> dict:
    categories = _categories()
    rules = [{**rule, "summary": describe_rule(rule, REASONS, categories)} for rule in deps().policy.after_sale_rules]
    return {"items": rules, "options": options()}


def _save(actor: Actor, change) -> dict:
    """Apply `change` to the stored list in one transaction (the row locked: two editors never lose an edit)."""
    with transaction():
        row = db.session.get(ShopSetting, KEY, with_for_update=True)
        before = list((row.value or {}).get("value") or []) if row else list(deps().base_policy.after_sale_rules)
        after = change(before)
        if row is None:
            row = ShopSetting(key=KEY)
            db.session.add(row)
        row.value, row.updated_by, row.updated_at = {"value": after}, actor.name, clock.now()
        audit.record(actor, "settings.update", "settings", KEY, {"rules": before}, {"rules": after}, commit=False)
    forget_cached_policy()
    return list_rules()


def _valid(raw: dict, rule_id: int) -> dict:
    allowed = {k: v for k, v in REASONS.items() if not is_disputed(k)}
    return validate_rule(raw, rule_id, allowed, set(_categories()))


def add_rule(actor: Actor, raw: dict) -> dict:
    rule = _valid(raw, 0)

    def change(rules):
        if len(rules) >= MAX_RULES:
            raise DomainError(ErrorCode.VALIDATION_ERROR, f"最多 {MAX_RULES} 条售后规则", {"rules": "过多"})
        return rules + [{**rule, "id": max((r["id"] for r in rules), default=0) + 1}]
    return _save(actor, change)


def _index(rules: list[dict], rule_id: int) -> int:
    for i, rule in enumerate(rules):
        if rule.get("id") == rule_id:
            return i
    raise DomainError(ErrorCode.NOT_FOUND, "售后规则不存在")


def update_rule(actor: Actor, rule_id: int, raw: dict) -> dict:
    rule = _valid(raw, rule_id)

    def change(rules):
        i = _index(rules, rule_id)
        return rules[:i] + [rule] + rules[i + 1:]
    return _save(actor, change)


def delete_rule(actor: Actor, rule_id: int) -> dict:
    def change(rules):
        i = _index(rules, rule_id)
        return rules[:i] + rules[i + 1:]
    return _save(actor, change)

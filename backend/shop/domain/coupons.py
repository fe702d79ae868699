"""Coupons (O7): what a coupon template promises and when a shopper's coupon applies, in one place.

A template is amount off (满99减10) or a percentage (8.5折, optionally capped), above a spending
threshold, valid between fixed dates or for N days after the shopper receives it, for the whole shop or
only some categories or products. The threshold and the discount count only the goods the coupon applies
to; pricing splits the discount across exactly those lines. Checkout preselects the best usable coupon.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .errors import DomainError, ErrorCode
from .money import yuan

KIND_LABELS = {"amount": "满减券", "percent": "折扣券"}
SCOPE_LABELS = {"all": "全场通用", "categories": "指定分类", "products": "指定商品"}
STATUS_LABELS = {"active": "发放中", "stopped": "已停止"}
WALLET_STATUS_LABELS = {"available": "可使用", "used": "已使用", "expired": "已过期"}
TEMPLATE_ACTION_LABELS = {"edit": "编辑", "issue": "发放给顾客", "publish": "开放领取", "unpublish": "停止领取",
                          "stop": "停用"}

MAX_VALID_DAYS = 365
MAX_PER_SHOPPER = 100


@dataclass(frozen=True)
class CouponTerms:
    threshold_fen: int
    discount_fen: int
    valid_from: datetime | None
    valid_until: datetime | None
    kind: str = "amount"
    percent_off: int = 0
    max_discount_fen: int | None = None
    scope: str = "all"
    scope_ids: frozenset[int] = field(default_factory=frozenset)
    valid_days: int | None = None
    received_at: datetime | None = None  # when this shopper got it (for valid_days)

    def expires_at(self) -> datetime | None:
        """The end of validity: the fixed date, or N days after receipt, whichever comes first."""
        ends = [self.valid_until] if self.valid_until else []
        if self.valid_days and self.received_at:
            ends.append(self.received_at + timedelta(days=self.valid_days))
        return min(ends) if ends else None


@dataclass(frozen=True)
class CouponLine:
    """What the coupon needs to know about an order line."""
    product_id: int
    category_id: int
    goods_fen: int


@dataclass(frozen=True)
class CouponOutcome:
    discount_fen: int
    reason_unusable: str | None
    eligible: tuple[bool, ...]  # per line: does the coupon apply to it

    @property
    def usable(self) -> bool:
        return self.reason_unusable is None


def describe(terms: CouponTerms) -> str:
    """The coupon in the words the shopper reads: 满99减10, 无门槛减5元, 满200打8.5折（最高减20元）."""
    if terms.kind == "percent":
        rate = 100 - terms.percent_off
        text = f"{rate // 10}{'.' + str(rate % 10) if rate % 10 else ''}折"
        text = (f"满{yuan_short(terms.threshold_fen)}打{text}" if terms.threshold_fen else f"全单{text}")
        if terms.max_discount_fen:
            text += f"（最高减{yuan_short(terms.max_discount_fen)}元）"
    else:
        text = (f"满{yuan_short(terms.threshold_fen)}减{yuan_short(terms.discount_fen)}" if terms.threshold_fen
                else f"无门槛减{yuan_short(terms.discount_fen)}元")
    if terms.scope != "all":
        text += f"，{SCOPE_LABELS[terms.scope]}可用"
    return text


def yuan_short(fen: int) -> str:
    """12.50 -> '12.5', 99.00 -> '99'."""
    return yuan(fen).rstrip("0").rstrip(".")


def is_expired(terms: CouponTerms, now: datetime) -> bool:
    end = terms.expires_at()
    return end is not None and now > end


def applies_to(terms: CouponTerms, line: CouponLine) -> bool:
    if terms.scope == "products":
        return line.product_id in terms.scope_ids
    if terms.scope == "categories":
        return line.category_id in terms.scope_ids
    return True


def discount_on(terms: CouponTerms, eligible_goods_fen: int) -> int:
    """The discount in fen on the goods the coupon applies to; never more than those goods."""
    if terms.kind == "percent":
        amount = eligible_goods_fen * terms.percent_off // 100
        if terms.max_discount_fen:
            amount = min(amount, terms.max_discount_fen)
    else:
        amount = terms.discount_fen
    return max(0, min(amount, eligible_goods_fen))


def evaluate(terms: CouponTerms, lines: list[CouponLine], now: datetime) -> CouponOutcome:
    """Whether the coupon can be used on these lines now, and what it takes off."""
    eligible = tuple(applies_to(terms, line) for line in lines)
    base = sum(line.goods_fen for line, ok in zip(lines, eligible) if ok)
    reason = None
    if terms.valid_from and now < terms.valid_from:
        reason = "优惠券尚未生效"
    elif is_expired(terms, now):
        reason = "优惠券不在有效期内"
    elif base == 0:
        reason = "订单中没有适用此券的商品"
    elif base < terms.threshold_fen:
        reason = (f"适用商品未满{yuan_short(terms.threshold_fen)}元" if terms.scope != "all"
                  else f"未达到优惠券使用门槛（满{yuan_short(terms.threshold_fen)}元）")
    return CouponOutcome(0 if reason else discount_on(terms, base), reason, eligible)


def ensure_usable(outcome: CouponOutcome) -> None:
    if not outcome.usable:
        raise DomainError(ErrorCode.COUPON_UNAVAILABLE, outcome.reason_unusable)


def best_choice(options: list[tuple[int, int, datetime | None]]) -> int | None:
    """Of (shopper coupon id, discount, expires at) for the usable coupons: the one that takes most off;
    on a tie the one that expires first (so it is not wasted), then the oldest."""
    usable = [o for o in options if o[1] > 0]
    if not usable:
        return None
    return min(usable, key=lambda o: (-o[1], o[2] or datetime.max, o[0]))[0]


# ---- the template's own rules (staff side) --------------------------------------------------


def template_problems(t: dict, now: datetime) -> dict[str, str]:
    """What is wrong with a template's terms, field -> message (empty when it is fine)."""
    problems = {}
    if not (t.get("name") or "").strip():
        problems["name"] = "请填写优惠券名称"
    if t["kind"] == "amount":
        if not t.get("discount_fen") or t["discount_fen"] < 1:
            problems["discount_fen"] = "请填写减免金额"
        elif t["threshold_fen"] and t["discount_fen"] >= t["threshold_fen"]:
            problems["discount_fen"] = "减免金额须小于使用门槛"
    elif not 1 <= (t.get("percent_off") or 0) <= 99:
        problems["percent_off"] = "折扣须在 0.1 折到 9.9 折之间"
    if t["threshold_fen"] < 0:
        problems["threshold_fen"] = "使用门槛不能为负"
    if t.get("valid_days"):
        if not 1 <= t["valid_days"] <= MAX_VALID_DAYS:
            problems["valid_days"] = f"领取后有效天数须在 1 到 {MAX_VALID_DAYS} 之间"
    elif not t.get("valid_until"):
        problems["valid_until"] = "请设置有效期（截止日期或领取后有效天数）"
    elif t["valid_until"] <= (t.get("valid_from") or now):
        problems["valid_until"] = "截止时间须晚于开始时间和当前时间"
    if not 1 <= t["per_shopper_limit"] <= MAX_PER_SHOPPER:
        problems["per_shopper_limit"] = f"每人限领须在 1 到 {MAX_PER_SHOPPER} 张之间"
    if t.get("total_count") is not None and t["total_count"] < max(1, t.get("issued_count", 0)):
        problems["total_count"] = "发行总量不能少于已发放数量"
    if t["scope"] != "all" and not t.get("scope_ids"):
        problems["scope_ids"] = "请选择适用的分类或商品"
    return problems


# Once a coupon has been given out, what it promises no longer changes.
TERMS_FIELDS = ("kind", "discount_fen", "percent_off", "max_discount_fen", "threshold_fen", "valid_from",
                "valid_until", "valid_days", "scope", "scope_ids")


def ensure_editable(current: dict, changes: dict, issued_count: int) -> None:
    if issued_count and any(name in changes and changes[name] != current[name] for name in TERMS_FIELDS):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "已发放的优惠券不能修改面额、门槛、有效期和适用范围，"
                                                      "可修改名称、说明、限领和总量")


def template_actions(status: str, claimable: bool, expired: bool) -> list[str]:
    if status != "active":
        return []
    actions = ["edit"]
    if not expired:
        actions += ["issue", "unpublish" if claimable else "publish"]
    elif claimable:
        actions.append("unpublish")
    return actions + ["stop"]


def claim_refusal(status: str, claimable: bool, issued_count: int, total_count: int | None, held: int,
                  per_shopper_limit: int, expired: bool) -> str | None:
    """Why the shopper cannot claim the template now (None: they can)."""
    if status != "active" or not claimable:
        return "该优惠券已停止领取"
    if expired:
        return "优惠券已过期"
    if total_count is not None and issued_count >= total_count:
        return "优惠券已领完"
    if held >= per_shopper_limit:
        return f"每人限领{per_shopper_limit}张，您已领过"
    return None


def issue_refusal(status: str, expired: bool, held: int, per_shopper_limit: int) -> str | None:
    """Why staff cannot give this template to this shopper (the total is checked by the counter)."""
    if status != "active":
        return "优惠券已停用"
    if expired:
        return "优惠券已过期"
    if held >= per_shopper_limit:
        return f"该顾客已持有{held}张，达到每人限领数量"
    return None

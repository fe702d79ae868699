"""What an order costs: goods, shipping fee, coupon, and how the discount splits across lines."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import coupons
from .coupons import CouponTerms
from .errors import DomainError, ErrorCode
from .money import allocate
from .policy import Policy


@dataclass(frozen=True)
class LineInput:
    sku_id: int
    unit_price_fen: int
    quantity: int
    product_id: int = 0  # for coupons limited to products or categories
    category_id: int = 0




@dataclass(frozen=True)
class PricedLine:
    sku_id: int
    unit_price_fen: int
    quantity: int
    goods_fen: int
    discount_fen: int

    @property
    def payable_fen(self) -> int:
        return self.goods_fen - self.discount_fen


@dataclass(frozen=True)
class Pricing:
    lines: tuple[PricedLine, ...]
    goods_fen: int
    discount_fen: int
    shipping_fen: int

    @property
    def total_fen(self) -> int:
        return self.goods_fen - self.discount_fen + self.shipping_fen


def shipping_fee(goods_fen: int, policy: Policy) -> int:
    """Flat fee, waived at or above the free-shipping threshold."""
    return 0 if goods_fen >= policy.free_shipping_threshold_fen else policy.shipping_fee_fen


def price_order(lines: list[LineInput], coupon: CouponTerms | None, policy: Policy, now: datetime) -> Pricing:
    """The coupon is checked again here (validity, scope, threshold); its discount is split across the lines it
    applies to, in proportion to their goods."""
    if not lines:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请至少选择一件商品")
    for line in lines:
        if line.quantity < 1 or line.quantity > 999:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "购买数量须在 1 到 999 之间")
    goods = [line.unit_price_fen * line.quantity for line in lines]
    goods_fen = sum(goods)
    shares = [0] * len(lines)
    discount_fen = 0
    if coupon is not None:
        outcome = coupons.evaluate(coupon, coupon_lines(lines), now)
        coupons.ensure_usable(outcome)
        discount_fen = outcome.discount_fen
        shares = allocate(discount_fen, [g if ok else 0 for g, ok in zip(goods, outcome.eligible)])
    priced = tuple(
        PricedLine(line.sku_id, line.unit_price_fen, line.quantity, g, d)
        for line, g, d in zip(lines, goods, shares)
    )
    return Pricing(priced, goods_fen, discount_fen, shipping_fee(goods_fen, policy))


def coupon_lines(lines: list[LineInput]) -> list[coupons.CouponLine]:
    return [coupons.CouponLine(line.product_id, line.category_id, line.unit_price_fen * line.quantity)
            for line in lines]

"""What an order costs: goods, shipping fee, coupon, and how the discount splits across lines."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .errors import DomainError, ErrorCode
from .money import allocate
from .policy import Policy


@dataclass(frozen=True)
class LineInput:
    sku_id: int
    unit_price_fen: int
    quantity: int


@dataclass(frozen=True)
class CouponTerms:
    threshold_fen: int
    discount_fen: int
    valid_from: datetime | None
    valid_until: datetime | None


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


def coupon_discount(coupon: CouponTerms | None, goods_fen: int, now: datetime) -> int:
    if coupon is None:
        return 0
    if coupon.valid_from and now < coupon.valid_from or coupon.valid_until and now > coupon.valid_until:
        raise DomainError(ErrorCode.COUPON_UNAVAILABLE, "优惠券不在有效期内")
    if goods_fen < coupon.threshold_fen:
        raise DomainError(ErrorCode.COUPON_UNAVAILABLE, "未达到优惠券使用门槛")
    return min(coupon.discount_fen, goods_fen)


def price_order(lines: list[LineInput], coupon: CouponTerms | None, policy: Policy, now: datetime) -> Pricing:
    if not lines:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请至少选择一件商品")
    for line in lines:
        if line.quantity < 1 or line.quantity > 999:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "购买数量须在 1 到 999 之间")
    goods = [line.unit_price_fen * line.quantity for line in lines]
    goods_fen = sum(goods)
    discount_fen = coupon_discount(coupon, goods_fen, now)
    shares = allocate(discount_fen, goods)
    priced = tuple(
        PricedLine(line.sku_id, line.unit_price_fen, line.quantity, g, d)
        for line, g, d in zip(lines, goods, shares)
    )
    return Pricing(priced, goods_fen, discount_fen, shipping_fee(goods_fen, policy))

"""No hoarding (issue 14): one shopper's unpaid orders may hold only so much stock.

Unpaid orders reserve stock until they are paid or closed; without a cap one shopper can take a
SKU to zero with orders they never mean to pay, and place them again when they close.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import DomainError, ErrorCode
from .policy import Policy


@dataclass(frozen=True)
class UnpaidHoldings:
    """What a shopper's unpaid orders hold now."""

    orders: int = 0
    units_by_sku: dict[int, int] = field(default_factory=dict)


def check_unpaid_limits(held: UnpaidHoldings, requested: dict[int, int], sku_names: dict[int, str],
                        policy: Policy) -> None:
    """Refuse a new order that would take the shopper past either cap (settings in Policy)."""
    if held.orders >= policy.max_unpaid_orders_per_shopper:
        raise DomainError(ErrorCode.UNPAID_ORDERS_LIMIT,
                          f"您已有 {held.orders} 笔待付款订单（最多 {policy.max_unpaid_orders_per_shopper} 笔），"
                          "请先支付或取消后再下单",
                          {"unpaid_orders": held.orders, "limit": policy.max_unpaid_orders_per_shopper})
    for sku_id, quantity in requested.items():
        already = held.units_by_sku.get(sku_id, 0)
        if already + quantity > policy.max_unpaid_units_per_sku:
            left = max(policy.max_unpaid_units_per_sku - already, 0)
            raise DomainError(ErrorCode.UNPAID_ORDERS_LIMIT,
                              f"「{sku_names.get(sku_id, sku_id)}」待付款订单中每人最多 "
                              f"{policy.max_unpaid_units_per_sku} 件，您还可以再下 {left} 件",
                              {"sku_id": sku_id, "limit": policy.max_unpaid_units_per_sku, "remaining": left})

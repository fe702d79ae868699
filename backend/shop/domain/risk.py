"""Risk control rules (K1): which shoppers go on the watchlist (重点监控名单), and why."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from .policy import Policy


@dataclass(frozen=True)
class RiskMetrics:
    """One shopper's behaviour over the last `window_days`."""

    window_days: int
    orders: int            # paid orders placed in the window
    refunds: int           # refunds created
    refunded_orders: int   # paid orders with at least one refund
    cancels: int           # orders cancelled (paid or not)
    addresses: int         # distinct delivery addresses used
    bulk_refund_groups: int  # groups of orders bought together and refunded together
    unpaid_closed: int = 0   # orders left unpaid until closed automatically (stock held, then let go)

    @property
    def refund_rate_percent(self) -> int:
        return (100 * self.refunded_orders // self.orders) if self.orders else 0

    def as_dict(self) -> dict:
        return {**asdict(self), "refund_rate_percent": self.refund_rate_percent}


@dataclass(frozen=True)
class OrderRefundTimes:
    placed_at: datetime
    first_refund_at: datetime


def bulk_refund_groups(orders: list[OrderRefundTimes], min_orders: int, window: timedelta) -> int:
    """How many disjoint groups of ≥ min_orders orders were placed within `window` of each other
    AND had their refunds created within `window` of each other ("buy many then refund together")."""
    if min_orders < 1:
        return 0
    remaining = sorted(orders, key=lambda o: o.placed_at)
    groups = 0
    i = 0
    while i < len(remaining):
        start = remaining[i]
        group = [o for o in remaining[i:] if o.placed_at - start.placed_at <= window
                 and abs(o.first_refund_at - start.first_refund_at) <= window]
        if len(group) >= min_orders:
            groups += 1
            taken = {id(o) for o in group}
            remaining = remaining[:i] + [o for o in remaining[i:] if id(o) not in taken]
        else:
            i += 1
    return groups


def risk_reasons(m: RiskMetrics, policy: Policy) -> list[str]:
    """Reasons to flag, in Chinese for staff. Empty = nothing unusual."""
    reasons = []
    days = m.window_days
    if m.refunds > policy.risk_max_refunds:
        reasons.append(f"近{days}天退款 {m.refunds} 次（上限 {policy.risk_max_refunds}）")
    if m.cancels > policy.risk_max_cancels:
        reasons.append(f"近{days}天取消订单 {m.cancels} 次（上限 {policy.risk_max_cancels}）")
    if m.orders >= policy.risk_min_orders_for_rate and m.refund_rate_percent > policy.risk_max_refund_rate_percent:
        reasons.append(f"近{days}天退款率 {m.refund_rate_percent}%（上限 {policy.risk_max_refund_rate_percent}%）")
    if m.addresses > policy.risk_max_addresses:
        reasons.append(f"近{days}天使用 {m.addresses} 个不同收货地址（上限 {policy.risk_max_addresses}）")
    if m.unpaid_closed > policy.risk_max_unpaid_closed:
        reasons.append(f"近{days}天 {m.unpaid_closed} 笔订单超时未支付被关闭（上限 {policy.risk_max_unpaid_closed}）")
    if m.bulk_refund_groups:
        reasons.append(f"集中下单后集中退款 {m.bulk_refund_groups} 次"
                       f"（{policy.risk_bulk_window_minutes} 分钟内 ≥{policy.risk_bulk_orders} 单）")
    return reasons


@dataclass(frozen=True)
class WatchState:
    flagged: bool
    allow_listed: bool


def is_watchlisted(state: WatchState) -> bool:
    """Allow-listed shoppers are trusted whatever the metrics say."""
    return state.flagged and not state.allow_listed


def should_flag_automatically(state: WatchState, reasons: list[str]) -> bool:
    return bool(reasons) and not state.allow_listed and not state.flagged


def staff_risk_actions(state: WatchState, banned: bool, may_manage: bool) -> list[str]:
    """The buttons a staff member gets on a shopper in the risk page (the admin draws only these)."""
    if not may_manage:
        return []
    actions = ["unflag" if state.flagged else "flag"]
    if not state.allow_listed:
        actions.append("allow_list")
    actions.append("unban" if banned else "ban")
    return actions

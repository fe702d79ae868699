"""Decisions explain themselves (issue 10): what the shopper reads when the merchant cancels, rejects, or
gives money back — the reason, the remedy (amount and route, coupon returned) and when the money arrives.

The same sentence goes into the in-app message and onto the order (the event's `notice`, shown as the
order's `decision`), so the two never disagree.
"""
from __future__ import annotations

from .money import yuan
from .refunds import METHOD_LABELS


def refund_remedy(amount_fen: int, method: str, arrival: str) -> str:
    """Amount, route and arrival: '¥59.70 原路退回（微信支付），到账时间：1-3 个工作日内原路退回'."""
    return f"¥{yuan(amount_fen)} {METHOD_LABELS.get(method, method)}，到账时间：{arrival}"


def parts_remedy(parts: list[tuple[int, str, str]]) -> str:
    """A refund paid back by more than one route (R9: WeChat part, balance part): each (amount, method, arrival)."""
    return "；".join(refund_remedy(amount, method, arrival) for amount, method, arrival in parts)


def refund_notice(amount_fen: int, method: str, arrival: str, reason: str) -> str:
    return f"退款 {refund_remedy(amount_fen, method, arrival)}。退款原因：{reason}"


def cancel_notice(order_no: str, by_merchant: bool, reason: str, remedy: str | None, coupon_returned: bool) -> str:
    """A cancel: who and why (a merchant's cancel always says why), and what the shopper gets back."""
    parts = [f"商家已取消您的订单 {order_no}，原因：{reason}。" if by_merchant else f"您的订单 {order_no} 已取消。"]
    parts.append(f"退款 {remedy}。" if remedy else "订单未付款，无需退款。")
    if coupon_returned:
        parts.append("使用的优惠券已退回您的账户。")
    if by_merchant:
        parts.append("给您带来不便，敬请谅解。")
    return "".join(parts)


def rejection_notice(kind_label: str, reason: str, what_next: str) -> str:
    """A request the merchant did not agree to: why, and what happens now."""
    return f"商家未同意您的{kind_label}，原因：{reason}。{what_next}"

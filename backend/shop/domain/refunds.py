"""Refund states, retry decisions, and what an order's refund_status is (R1, R4)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import Enum

from .clock import to_shanghai
from .orders import RefundStatus


class RefundState(str, Enum):
    PENDING = "pending"        # committed, not yet accepted by WeChat
    PROCESSING = "processing"  # WeChat accepted it, money on its way
    SUCCEEDED = "succeeded"
    FAILED = "failed"          # the last attempt failed; another is scheduled
    ABNORMAL = "abnormal"      # out of retries (or refused for good): finance must act

    @property
    def label(self) -> str:
        return REFUND_STATE_LABELS[self]


REFUND_STATE_LABELS = {
    RefundState.PENDING: "待提交",
    RefundState.PROCESSING: "退款中",
    RefundState.SUCCEEDED: "退款成功",
    RefundState.FAILED: "失败重试中",
    RefundState.ABNORMAL: "退款异常",
}

OPEN_STATES = {RefundState.PENDING, RefundState.PROCESSING, RefundState.FAILED}
SUBMITTABLE_STATES = {RefundState.PENDING, RefundState.FAILED}

METHOD_LABELS = {"wechat": "原路退回（微信支付）", "balance": "退回账户余额"}


def order_refund_status(states: Iterable[str], succeeded_fen: int, paid_fen: int) -> RefundStatus:
    states = [RefundState(s) for s in states]
    if not states:
        return RefundStatus.NONE
    if RefundState.ABNORMAL in states:
        return RefundStatus.REFUND_FAILED
    if any(s in OPEN_STATES for s in states):
        return RefundStatus.REFUNDING
    if succeeded_fen >= paid_fen > 0:
        return RefundStatus.REFUNDED
    return RefundStatus.PARTIALLY_REFUNDED if succeeded_fen > 0 else RefundStatus.NONE


def after_failed_attempt(attempts: int, retryable: bool, intervals: list[int]) -> tuple[RefundState, timedelta | None]:
    """What follows a failed attempt number `attempts` (1-based): another try after a pause, or abnormal."""
    if not retryable or attempts > len(intervals):
        return RefundState.ABNORMAL, None
    return RefundState.FAILED, timedelta(seconds=intervals[attempts - 1])


def expected_arrival(method: str, submitted: datetime | None) -> str:
    """What the shopper is told about when the money arrives (R7)."""
    if method == "balance":
        return "即时到账"
    if submitted is None:
        return "1-3 个工作日内原路退回"
    latest = add_working_days(to_shanghai(submitted).date(), 3)
    return f"1-3 个工作日内原路退回，预计 {latest.month} 月 {latest.day} 日前到账"


def add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current

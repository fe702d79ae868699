"""Every configurable business number in one object (windows, thresholds, reason lists)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import timedelta

SHOPPER_CANCEL_REASONS = {
    "changed_mind": "改变主意",
    "wrong_item": "选错商品",
    "found_better": "找到更合适的",
    "wrong_address": "地址填错",
    "other": "其他",
}

MERCHANT_CANCEL_REASONS = {
    "out_of_stock": "缺货",
    "quality_issue": "质量问题",
    "undeliverable": "无法配送",
    "system_error": "系统错误",
    "other": "其他",
}


@dataclass(frozen=True)
class Policy:
    unpaid_close_seconds: int = 30 * 60
    auto_confirm_days: int = 10
    free_cancel_minutes: int = 30
    # R12 (domain/refund_policy.py), always on an order's cumulative refunds: staff type their password
    # again (二次验证) at or above this; a shopper's refund above auto_refund_max_fen goes to review; each
    # staff role refunds at most its limit (administrators: no limit; roles not listed: nothing).
    staff_cancel_recheck_fen: int = 50000
    auto_refund_max_fen: int = 50000
    refund_limit_customer_service_fen: int = 20000
    refund_limit_supervisor_fen: int = 2000000
    refund_limit_finance_fen: int = 2000000
    no_reason_return_days: int = 7
    quality_return_days: int = 15
    after_sale_reply_hours: int = 48
    after_sale_timeout_auto_approve: bool = False
    # A5: a clock at every after-sales stage (A3's reply time above), and a cap on cases per order line.
    after_sale_proposal_answer_hours: int = 48
    after_sale_return_ship_days: int = 7
    after_sale_receipt_days: int = 7
    after_sale_max_cases_per_line: int = 3
    # A6: refund rules as data (domain/after_sale_rules.py), edited in 设置 → 售后规则; first match wins.
    after_sale_rules: list = field(default_factory=list)
    free_shipping_threshold_fen: int = 9900
    shipping_fee_fen: int = 800
    shopper_cancel_reasons: dict = field(default_factory=lambda: dict(SHOPPER_CANCEL_REASONS))
    merchant_cancel_reasons: dict = field(default_factory=lambda: dict(MERCHANT_CANCEL_REASONS))
    # Risk control (K1): a shopper above any of these in the last risk_window_days is flagged.
    risk_window_days: int = 30
    risk_max_refunds: int = 5
    risk_max_cancels: int = 5
    risk_max_refund_rate_percent: int = 60
    risk_min_orders_for_rate: int = 5
    risk_max_addresses: int = 4
    # "Buy many then refund together": this many orders placed within the window, refunded together.
    risk_bulk_orders: int = 3
    risk_bulk_window_minutes: int = 60
    risk_max_unpaid_closed: int = 5
    # No hoarding (issue 14): stock held by one shopper's unpaid orders is capped.
    max_unpaid_orders_per_shopper: int = 10
    max_unpaid_units_per_sku: int = 20
    # Evidence photos one shopper may upload in 24 hours (each at most MAX_CONTENT_LENGTH).
    upload_daily_count: int = 30

    @property
    def unpaid_close_after(self) -> timedelta:
        return timedelta(seconds=self.unpaid_close_seconds)

    @property
    def auto_confirm_after(self) -> timedelta:
        return timedelta(days=self.auto_confirm_days)

    @property
    def free_cancel_window(self) -> timedelta:
        return timedelta(minutes=self.free_cancel_minutes)

    @classmethod
    def from_mapping(cls, values: dict) -> "Policy":
        """Build from config keys like POLICY_FREE_CANCEL_MINUTES; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        overrides = {}
        for key, value in values.items():
            name = key.lower().removeprefix("policy_")
            if key.upper().startswith("POLICY_") and name in known:
                overrides[name] = value
        return replace(cls(), **overrides)

"""WeChat's refund bill (R6), the same CSV-like text in v2 (downloadbill) and v3 (tradebill)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..wechat_errors import WeChatUnavailable
from .gateway import BillRefund, RefundStatus

# The bill's refund status (v2 and v3 words) in ours.
BILL_STATUSES = {
    "SUCCESS": RefundStatus.SUCCEEDED,
    "PROCESSING": RefundStatus.PROCESSING,
    "REFUNDCLOSE": RefundStatus.CLOSED,
    "CLOSED": RefundStatus.CLOSED,
    "CHANGE": RefundStatus.WECHAT_ABNORMAL,
    "ABNORMAL": RefundStatus.WECHAT_ABNORMAL,
}
REQUIRED_COLUMNS = {"商户订单号", "商户退款单号", "微信退款单号", "退款金额", "退款状态"}


def fen(yuan_text: str) -> int:
    return int(Decimal(yuan_text) * 100)


def parse_refund_bill(text: str) -> list[BillRefund]:
    """Rows of a REFUND bill: header line, lines of `-prefixed fields, then the summary lines.
    The bill is unsigned: WeChat offers nothing to verify."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise WeChatUnavailable("NETWORK_ERROR", "empty bill")
    header = [name.strip().lstrip("\ufeff") for name in lines[0].split(",")]
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        raise WeChatUnavailable("NETWORK_ERROR", f"bill without columns {sorted(missing)}")
    rows = []
    for line in lines[1:]:
        if line.startswith("总交易单数"):
            break
        record = dict(zip(header, (f.strip().lstrip("`") for f in line.split(","))))
        bill_status = record["退款状态"].upper()
        try:
            amount = fen(record["退款金额"])
        except InvalidOperation as exc:
            raise WeChatUnavailable("NETWORK_ERROR", f"bad refund amount in bill line {line!r}") from exc
        if bill_status not in BILL_STATUSES:
            raise WeChatUnavailable("NETWORK_ERROR", f"unknown refund status in bill line {line!r}")
        rows.append(BillRefund(out_refund_no=record["商户退款单号"] or None, out_trade_no=record["商户订单号"] or None,
                               refund_id=record["微信退款单号"] or None, refund_fen=amount,
                               status=BILL_STATUSES[bill_status], bill_status=bill_status))
    return rows

"""Invoices (发票, R10): what a shopper may ask for, what staff may do with a request, and what a refund
does to an invoice already issued (a 冲红/重开 to-do for finance).

One request per order is open at a time; a rejected request, or an invoice reversed in full (已冲红), lets
the shopper ask again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .orders import OrderStatus


class InvoiceKind(str, Enum):
    PERSONAL = "personal"
    COMPANY = "company"

    @property
    def label(self) -> str:
        return {"personal": "个人", "company": "企业"}[self.value]


class InvoiceStatus(str, Enum):
    REQUESTED = "requested"      # the shopper asked; finance to issue or reject
    ISSUED = "issued"            # number and PDF recorded
    REJECTED = "rejected"        # with a reason the shopper reads
    RED_PENDING = "red_pending"  # a refund touched an issued invoice: finance to reverse (冲红) and maybe reissue
    RED_ISSUED = "red_issued"    # reversed in full, nothing reissued (the order was refunded in full)
    REISSUED = "reissued"        # reversed and issued again for what the shopper kept

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    InvoiceStatus.REQUESTED: "申请中",
    InvoiceStatus.ISSUED: "已开具",
    InvoiceStatus.REJECTED: "已驳回",
    InvoiceStatus.RED_PENDING: "冲红/重开中",
    InvoiceStatus.RED_ISSUED: "已冲红",
    InvoiceStatus.REISSUED: "已重开",
}

# A request that still stands: the order cannot have a second one.
OPEN_STATUSES = frozenset({InvoiceStatus.REQUESTED, InvoiceStatus.ISSUED, InvoiceStatus.RED_PENDING,
                           InvoiceStatus.REISSUED})
# An invoice whose number the shopper holds: a refund makes it wrong.
HELD_STATUSES = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.REISSUED})
INVOICEABLE_ORDER_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.ACCEPTED, OrderStatus.SHIPPED,
                                        OrderStatus.COMPLETED})

TITLE_MAX, EMAIL_MAX, NUMBER_MAX, REASON_MAX = 100, 120, 40, 200
# 统一社会信用代码 (18 characters, no I/O/Z/S/V) or an older 15/17/20-character taxpayer number.
TAX_NO = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|[0-9A-Z]{15}|[0-9A-Z]{17}|[0-9A-Z]{20}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
INVOICE_NO = re.compile(r"[0-9A-Za-z-]{8,40}")


@dataclass(frozen=True)
class InvoiceApplication:
    kind: str
    title: str
    tax_no: str
    email: str


def application_problems(app: InvoiceApplication) -> dict[str, str]:
    """Field -> what is wrong, in Chinese; empty when the application may be filed."""
    problems = {}
    if app.kind not in {k.value for k in InvoiceKind}:
        problems["kind"] = "发票类型须为个人或企业"
    title = app.title.strip()
    if not title or len(title) > TITLE_MAX:
        problems["title"] = f"请填写发票抬头（不超过 {TITLE_MAX} 字）"
    if app.kind == InvoiceKind.COMPANY.value:
        if not TAX_NO.fullmatch(app.tax_no.strip().upper()):
            problems["tax_no"] = "企业发票须填写正确的纳税人识别号（18 位统一社会信用代码或 15/17/20 位税号）"
    elif app.tax_no.strip():
        problems["tax_no"] = "个人发票无需填写税号"
    if len(app.email) > EMAIL_MAX or not EMAIL.fullmatch(app.email.strip()):
        problems["email"] = "请填写正确的邮箱，电子发票将发送到该邮箱"
    return problems


def may_request(order_status: str, paid_fen: int, refunded_fen: int, open_invoice_status: str | None) -> str | None:
    """Why the shopper cannot ask for an invoice on this order, or None when they can."""
    if OrderStatus(order_status) not in INVOICEABLE_ORDER_STATUSES or paid_fen <= 0:
        return "订单付款后才能申请发票"
    if refunded_fen >= paid_fen:
        return "订单已全额退款，无需开具发票"
    if open_invoice_status is not None and InvoiceStatus(open_invoice_status) in OPEN_STATUSES:
        return "该订单已申请过发票"
    return None


def staff_actions(status: str) -> list[str]:
    """Buttons finance sees on an invoice row."""
    return {InvoiceStatus.REQUESTED: ["issue", "reject"],
            InvoiceStatus.RED_PENDING: ["record_red"]}.get(InvoiceStatus(status), [])


def shopper_actions(status: str | None, has_pdf: bool) -> list[str]:
    if status is None:
        return []
    return ["download"] if has_pdf and InvoiceStatus(status) in HELD_STATUSES else []


def after_refund(status: str, invoiced_fen: int, kept_fen: int) -> InvoiceStatus | None:
    """A refund of the order: an invoice the shopper holds for more than they now keep must be reversed (and
    reissued for what they kept). A refund that only replaces another one changes nothing kept."""
    if InvoiceStatus(status) in HELD_STATUSES and invoiced_fen != kept_fen:
        return InvoiceStatus.RED_PENDING
    return None


def after_red(reissued: bool) -> InvoiceStatus:
    return InvoiceStatus.REISSUED if reissued else InvoiceStatus.RED_ISSUED


def invoice_number_problem(number: str) -> str | None:
    return None if INVOICE_NO.fullmatch(number.strip()) else "发票号码须为 8-40 位数字、字母或连字符"

"""WeChat's order-shipping service (发货信息管理, W4/W5) as rules: which shipments are uploaded,
how they are described, when a correction is allowed, what WeChat's answers mean."""
from __future__ import annotations

from enum import Enum

from .errors import DomainError, ErrorCode


class ShipmentKind(str, Enum):
    ORDER = "order"  # the order shipped by staff
    CORRECTION = "correction"  # the order's shipment corrected before receipt (WeChat's one update)
    EXCHANGE = "exchange"  # an exchange's replacement
    REPAIR = "repair"  # repaired goods sent back

    @property
    def label(self) -> str:
        return {"order": "订单发货", "correction": "修改发货信息", "exchange": "换货发出", "repair": "维修寄回"}[self.value]


class UploadStatus(str, Enum):
    PENDING = "pending"
    UPLOADED = "uploaded"
    FAILED = "failed"
    SKIPPED = "skipped"  # WeChat no longer takes it (receipt confirmed, update used): nothing to do

    @property
    def label(self) -> str:
        return {"pending": "待上传微信", "uploaded": "已上传微信", "failed": "上传微信失败",
                "skipped": "无需上传"}[self.value]


# WeChat's answers to upload_shipping_info that end an after-sales shipment's upload without a to-do:
# the payment's shipping info can no longer change, which is fine for a replacement or a repair.
NOT_UPLOADABLE = {
    "10060003": "该支付单已使用过微信的一次修改机会",
    "10060004": "顾客已在微信确认收货，微信不再接收发货信息",
}
# get_order's order_state values that mean the shopper (or WeChat, automatically) confirmed receipt.
RECEIPT_CONFIRMED_STATES = {3, 4}
ITEM_DESC_MAX = 120


def mask_phone(phone: str) -> str:
    """WeChat wants contacts masked, the last four digits visible: 138****8000."""
    phone = (phone or "").strip()
    if len(phone) < 7:
        return phone
    return f"{phone[:3]}****{phone[-4:]}"


def item_description(lines: list[tuple[str, int]]) -> str:
    """'商品A*2；商品B*1', within WeChat's 120 characters."""
    text = "；".join(f"{name}*{quantity}" for name, quantity in lines) or "商品"
    return text if len(text) <= ITEM_DESC_MAX else text[:ITEM_DESC_MAX - 1] + "…"


CARRIER_SUFFIXES = ("快递", "速运", "速递", "物流", "快运")


def _carrier_stem(name: str) -> str:
    for suffix in CARRIER_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def carrier_code(carrier: str, carriers: list[dict]) -> str | None:
    """WeChat's code for the carrier staff chose: by code, by name, by a name it starts (顺丰 → 顺丰速运),
    or by the same name with another suffix (韵达快递 → 韵达速递)."""
    carrier = (carrier or "").strip()
    for match in (lambda c: c["code"] == carrier, lambda c: c["name"] == carrier,
                  lambda c: bool(carrier) and c["name"].startswith(carrier),
                  lambda c: bool(carrier) and _carrier_stem(c["name"]) == _carrier_stem(carrier)):
        found = [c["code"] for c in carriers if match(c)]
        if found:
            return found[0]
    return None


def ensure_correctable(kinds_uploaded_or_pending: list[str]) -> None:
    """WeChat lets a payment's shipping info be updated once: a second correction is refused here,
    before anything changes."""
    if ShipmentKind.CORRECTION.value in kinds_uploaded_or_pending:
        raise DomainError(ErrorCode.SHIPMENT_CORRECTION_USED)

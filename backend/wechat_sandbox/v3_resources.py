"""WeChat Pay APIv3 JSON: the transaction and refund objects (replies and notification
resources) and the notifications themselves, shaped as WeChat documents them."""
from __future__ import annotations

import json
import uuid

from .clock import SHANGHAI, utcnow
from .signing_v3 import encrypt_resource

TRADE_STATE_DESC = {"NOTPAY": "订单未支付", "SUCCESS": "支付成功", "CLOSED": "订单已关闭", "REFUND": "转入退款"}
REFUND_EVENTS = {
    "SUCCESS": ("REFUND.SUCCESS", "退款成功"),
    "ABNORMAL": ("REFUND.ABNORMAL", "退款异常"),
    "CLOSED": ("REFUND.CLOSED", "退款关闭"),
}


def rfc3339(moment) -> str | None:
    """2018-06-08T10:34:56+08:00, as every v3 time is written."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds") if moment else None


def _compact(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None}


def transaction_json(payment, config: dict) -> dict:
    paid = payment.paid_at is not None
    return _compact({
        "appid": config["appid"],
        "mchid": config["mch_id"],
        "out_trade_no": payment.out_trade_no,
        "transaction_id": payment.transaction_id,
        "trade_type": payment.trade_type,
        "trade_state": payment.trade_state,
        "trade_state_desc": TRADE_STATE_DESC[payment.trade_state],
        "bank_type": "OTHERS" if paid else None,
        "attach": payment.attach or "",
        "success_time": rfc3339(payment.paid_at),
        "payer": {"openid": payment.openid},
        "amount": _compact({"total": payment.total_fee, "payer_total": payment.total_fee if paid else None,
                            "currency": "CNY", "payer_currency": "CNY"}),
    })


def refund_json(refund, payment) -> dict:
    return _compact({
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "transaction_id": refund.transaction_id,
        "out_trade_no": refund.out_trade_no,
        "channel": refund.channel,
        "user_received_account": refund.user_received_account,
        "success_time": rfc3339(refund.succeeded_at),
        "create_time": rfc3339(refund.created_at),
        "status": refund.status,
        "funds_account": "AVAILABLE",
        "amount": {"total": payment.total_fee, "refund": refund.refund_fee, "payer_total": payment.total_fee,
                   "payer_refund": refund.refund_fee, "settlement_total": payment.total_fee,
                   "settlement_refund": refund.refund_fee, "discount_refund": 0, "currency": "CNY",
                   "from": []},
        "promotion_detail": [],
    })


def _notification(apiv3_key: str, event_type: str, summary: str, original_type: str, resource: dict) -> bytes:
    encrypted = encrypt_resource(apiv3_key, json.dumps(resource, ensure_ascii=False), original_type)
    return json.dumps({
        "id": str(uuid.uuid4()),
        "create_time": rfc3339(utcnow()),
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": {"original_type": original_type, **encrypted},
    }, ensure_ascii=False).encode("utf-8")


def payment_notification_v3(payment, config: dict, keys) -> bytes:
    return _notification(keys.apiv3_key, "TRANSACTION.SUCCESS", "支付成功", "transaction",
                         transaction_json(payment, config))


def refund_notification_v3(refund, payment, config: dict, keys) -> bytes:
    event_type, summary = REFUND_EVENTS[refund.status]
    resource = _compact({
        "mchid": config["mch_id"],
        "transaction_id": refund.transaction_id,
        "out_trade_no": refund.out_trade_no,
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "refund_status": refund.status,
        "success_time": rfc3339(refund.succeeded_at),
        "user_received_account": refund.user_received_account,
        "amount": {"total": payment.total_fee, "refund": refund.refund_fee, "payer_total": payment.total_fee,
                   "payer_refund": refund.refund_fee},
    })
    return _notification(keys.apiv3_key, event_type, summary, "refund", resource)

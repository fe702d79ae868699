"""WeChat Pay's notifications (O4, R4): the gateway verifies them, these apply them, and the answer is
the gateway's, in its protocol's format (v2 XML, v3 status + JSON). Forged, tampered or expired ones
change nothing; duplicates are harmless because the services they call are idempotent."""
from __future__ import annotations

import logging
from collections.abc import Mapping

from ..adapters.payments import NotificationReply
from ..adapters.wechat_errors import InvalidNotification
from ..domain.errors import DomainError
from . import ordering, refunds
from .context import deps

logger = logging.getLogger("shop.wechat")


def payment_notified(api: str, body: bytes, headers: Mapping[str, str]) -> NotificationReply:
    """'The shopper paid': the payment is recorded once (a payment for a closed order is refunded)."""
    gateway = deps().payments
    if gateway.api != api:
        return gateway.reply(False, f"WeChat Pay {api} is not in use here", 404)
    try:
        notice = gateway.parse_payment_notification(body, headers)
        ordering.record_payment(notice.out_trade_no, notice.transaction_id, notice.amount_fen)
    except InvalidNotification as exc:
        logger.warning("rejected pay notification", extra={"fields": {"api": api, "reason": exc.reason}})
        return gateway.reply(False, exc.reason, 400)
    except DomainError as exc:
        logger.warning("pay notification refused", extra={"fields": {"code": exc.code.name, "message": exc.message}})
        return gateway.reply(False, exc.message, 400)
    return gateway.reply(True)


def refund_notified(api: str, body: bytes, headers: Mapping[str, str]) -> NotificationReply:
    """A refund's outcome: settled once, by out_refund_no."""
    gateway = deps().payments
    if gateway.api != api:
        return gateway.reply(False, f"WeChat Pay {api} is not in use here", 404)
    try:
        refunds.settle_refund(gateway.parse_refund_notification(body, headers))
    except InvalidNotification as exc:
        logger.warning("rejected refund notification", extra={"fields": {"api": api, "reason": exc.reason}})
        return gateway.reply(False, exc.reason, 400)
    except DomainError as exc:  # e.g. a concurrent edit of the same refund: WeChat re-sends, we settle then
        logger.warning("refund notification not applied", extra={"fields": {"code": exc.code.name}})
        return gateway.reply(False, exc.message, 409)
    return gateway.reply(True)

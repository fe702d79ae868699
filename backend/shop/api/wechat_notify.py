"""WeChat Pay callbacks. Verified by the adapter; forged or tampered ones change nothing."""
from __future__ import annotations

import logging

from flask import Response, request
from flask_smorest import Blueprint

from ..adapters.wechat import InvalidNotification, WeChatGateway
from ..domain.errors import DomainError
from ..services import ordering, refunds
from ..services.context import deps

logger = logging.getLogger("shop.wechat")
blp = Blueprint("wechat", __name__, url_prefix="/api/wechat", description="微信支付回调（XML）")


def _xml(body: bytes, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="application/xml")


@blp.post("/pay-notify")
def pay_notify():
    """支付结果通知：验签、校验 appid / mch_id / 金额，幂等处理"""
    try:
        data = deps().wechat.parse_pay_notify(request.get_data())
        ordering.record_payment(data["out_trade_no"], data["transaction_id"], int(data["total_fee"]))
    except InvalidNotification as exc:
        logger.warning("rejected pay notification", extra={"fields": {"reason": exc.reason}})
        return _xml(WeChatGateway.fail_reply(exc.reason), 400)
    except DomainError as exc:
        logger.warning("pay notification refused", extra={"fields": {"code": exc.code.name, "message": exc.message}})
        return _xml(WeChatGateway.fail_reply(exc.message), 400)
    return _xml(WeChatGateway.success_reply())


@blp.post("/refund-notify")
def refund_notify():
    """退款结果通知：解密 req_info，按 out_refund_no 幂等结算"""
    try:
        data = deps().wechat.parse_refund_notify(request.get_data())
        refunds.settle_refund(data["out_refund_no"], data)
    except InvalidNotification as exc:
        logger.warning("rejected refund notification", extra={"fields": {"reason": exc.reason}})
        return _xml(WeChatGateway.fail_reply(exc.reason), 400)
    except DomainError as exc:  # e.g. a concurrent edit of the same refund: WeChat re-sends, we settle then
        logger.warning("refund notification not applied", extra={"fields": {"code": exc.code.name}})
        return _xml(WeChatGateway.fail_reply(exc.message), 409)
    return _xml(WeChatGateway.success_reply())

"""WeChat Pay callbacks: the raw request goes to the gateway through a service; WeChat gets the gateway's reply.

v2 (XML + MD5) at /api/wechat/pay-notify and /refund-notify; v3 (JSON, WeChat Pay public-key signature,
AES-256-GCM resource) at /api/wechat/v3/pay-notify and /v3/refund-notify. Only the routes of the
protocol in use (WECHATPAY_API) accept notifications."""
from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from ..adapters.payments import NotificationReply
from ..services import complaints, payment_notifications

blp = Blueprint("wechat", __name__, url_prefix="/api/wechat", description="微信支付回调（v2 XML / v3 JSON）")


def _send(reply: NotificationReply) -> Response:
    return Response(reply.body, status=reply.status, mimetype=reply.content_type)


@blp.post("/pay-notify")
def pay_notify():
    """支付结果通知（APIv2）：验签、校验 appid / mch_id / 金额，幂等处理"""
    return _send(payment_notifications.payment_notified("v2", request.get_data(), request.headers))


@blp.post("/refund-notify")
def refund_notify():
    """退款结果通知（APIv2）：解密 req_info，按 out_refund_no 幂等结算"""
    return _send(payment_notifications.refund_notified("v2", request.get_data(), request.headers))


@blp.post("/v3/pay-notify")
def pay_notify_v3():
    """支付结果通知（APIv3）：微信支付公钥验签、5 分钟时效、AES-256-GCM 解密，校验 appid / mchid / 金额，幂等处理"""
    return _send(payment_notifications.payment_notified("v3", request.get_data(), request.headers))


@blp.post("/v3/refund-notify")
def refund_notify_v3():
    """退款结果通知（APIv3）：验签并解密，按 out_refund_no 幂等结算（SUCCESS / CLOSED / ABNORMAL）"""
    return _send(payment_notifications.refund_notified("v3", request.get_data(), request.headers))


@blp.post("/v3/complaint-notify")
def complaint_notify_v3():
    """消费者投诉通知（APIv3，COMPLAINT.*）：验签并解密，向微信读取投诉详情后入库"""
    return _send(complaints.complaint_notified(request.get_data(), request.headers))

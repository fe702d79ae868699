"""WeChat Pay callbacks: the raw request goes to the gateway through a service; WeChat gets the gateway's reply.

v2 (XML + MD5) at /api/wechat/pay-notify and /refund-notify; v3 (JSON, WeChat Pay public-key signature,
AES-256-GCM resource) at /api/wechat/v3/pay-notify and /v3/refund-notify. Only the routes of the
protocol in use (WECHATPAY_API) accept notifications."""
from __future__ import annotations

from flask import Response, request
from marshmallow import Schema, fields

from ..adapters.payments import NotificationReply
from ..services import complaints, payment_notifications
from .blueprint import Blueprint

blp = Blueprint("wechat", __name__, url_prefix="/api/wechat", description="微信支付回调（v2 XML / v3 JSON）")


class WechatAnswerSchema(Schema):
    """APIv3's answer to a notification it must send again (its own format, not our error JSON)."""
    code = fields.String(required=True, metadata={"example": "FAIL"})
    message = fields.String(required=True)


XML_ANSWER = {"schema": {"type": "string", "description": "<xml><return_code>SUCCESS|FAIL</return_code>…</xml>"}}
JSON_ANSWER = {"schema": WechatAnswerSchema}
REFUSED = ("400", "401", "404", "409", "500")  # WeChat sends again on any non-2xx answer


def answers(protocol: str) -> dict:
    """What WeChat gets back: v2 answers XML (or JSON while v3 is the protocol in use), v3 answers JSON."""
    refused = {"application/json": JSON_ANSWER} if protocol == "v3" else \
        {"application/xml": XML_ANSWER, "application/json": JSON_ANSWER}
    accepted = {"204": {"description": "已受理"}} if protocol == "v3" else \
        {"200": {"description": "已受理", "content": {"application/xml": XML_ANSWER}}}
    return {"responses": {**accepted, **{code: {"description": "拒收，微信会重发", "content": refused}
                                         for code in REFUSED}}}


def _send(reply: NotificationReply) -> Response:
    return Response(reply.body, status=reply.status, mimetype=reply.content_type)


@blp.post("/pay-notify")
@blp.doc(**answers("v2"))
def pay_notify():
    """支付结果通知（APIv2）：验签、校验 appid / mch_id / 金额，幂等处理"""
    return _send(payment_notifications.payment_notified("v2", request.get_data(), request.headers))


@blp.post("/refund-notify")
@blp.doc(**answers("v2"))
def refund_notify():
    """退款结果通知（APIv2）：解密 req_info，按 out_refund_no 幂等结算"""
    return _send(payment_notifications.refund_notified("v2", request.get_data(), request.headers))


@blp.post("/v3/pay-notify")
@blp.doc(**answers("v3"))
def pay_notify_v3():
    """支付结果通知（APIv3）：微信支付公钥验签、5 分钟时效、AES-256-GCM 解密，校验 appid / mchid / 金额，幂等处理"""
    return _send(payment_notifications.payment_notified("v3", request.get_data(), request.headers))


@blp.post("/v3/refund-notify")
@blp.doc(**answers("v3"))
def refund_notify_v3():
    """退款结果通知（APIv3）：验签并解密，按 out_refund_no 幂等结算（SUCCESS / CLOSED / ABNORMAL）"""
    return _send(payment_notifications.refund_notified("v3", request.get_data(), request.headers))


@blp.post("/v3/complaint-notify")
@blp.doc(**answers("v3"))
def complaint_notify_v3():
    """消费者投诉通知（APIv3，COMPLAINT.*）：验签并解密，向微信读取投诉详情后入库"""
    return _send(complaints.complaint_notified(request.get_data(), request.headers))

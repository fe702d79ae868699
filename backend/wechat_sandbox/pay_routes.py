"""api.mch.weixin.qq.com: WeChat Pay v2 (XML, MD5-signed requests and replies)."""
import time
from datetime import datetime

from flask import Blueprint, Response, current_app, request

from . import bill, signing
from .clock import wechat_datetime, wechat_time
from .state import PayError
from .v3_resources import TRADE_STATE_DESC

bp = Blueprint("pay", __name__)


def _sandbox():
    return current_app.extensions["wechat_sandbox"]


def _xml(params: dict) -> Response:
    return Response(signing.signed_xml(params, _sandbox().config["api_key"]), mimetype="text/xml")


def _return_fail(message: str, **extra) -> Response:
    """Communication-level failure (bad XML, bad signature): return_code FAIL, unsigned as WeChat
    sends it (a caller with the wrong key could not check a signature anyway)."""
    return Response(signing.to_xml({"return_code": "FAIL", "return_msg": message, **extra}), mimetype="text/xml")


def _result(params: dict, error: PayError | None = None) -> Response:
    config = _sandbox().config
    body = {"return_code": "SUCCESS", "return_msg": "OK", "appid": config["appid"], "mch_id": config["mch_id"],
            "nonce_str": signing.nonce(), "result_code": "FAIL" if error else "SUCCESS"}
    if error:
        body.update(err_code=error.code, err_code_des=error.message)
    else:
        body.update(params)
    return _xml(body)


def no_answer() -> Response:
    time.sleep(float(_sandbox().config["timeout_sleep"]))
    return Response(b"", status=504)


def _pay_call(endpoint: str, handler):
    """Checks that every WeChat Pay request passes, then WeChat's refund rate limits and the
    injected fault, then the handler; counts the call and its outcome in the stats."""
    sandbox = _sandbox()
    reply, error = _serve(sandbox, endpoint, handler)
    sandbox.stats.record(endpoint, error)
    sandbox.refund_limiter.record_outcome(endpoint, error)
    return reply


def _serve(sandbox, endpoint: str, handler) -> tuple[Response, str | None]:
    """The reply and, when the call failed, its error code."""
    params = signing.parse_xml(request.get_data())
    if params is None:
        return _return_fail("XML格式错误"), "XML_FORMAT_ERROR"
    if not signing.is_signed(params, sandbox.config["api_key"]):
        return _return_fail("签名错误"), "SIGNERROR"
    if params.get("mch_id") != sandbox.config["mch_id"]:
        return _result({}, PayError("MCHID_NOT_EXIST", "MCHID不存在")), "MCHID_NOT_EXIST"
    if params.get("appid") != sandbox.config["appid"]:
        return _result({}, PayError("APPID_NOT_EXIST", "APPID不存在")), "APPID_NOT_EXIST"
    if endpoint == "refund" and not sandbox.refund_limiter.admit():
        return _result({}, PayError("FREQUENCY_LIMITED", "频率限制，请降低频率后重试")), "FREQUENCY_LIMITED"
    fault = sandbox.faults.take(endpoint)
    if fault == "timeout":
        return no_answer(), "timeout"
    if fault and fault != "lost_reply":
        return _result({}, PayError(fault, f"沙箱注入的故障：{fault}")), fault
    try:
        reply, error = handler(params), None
    except PayError as exc:
        reply, error = _result({}, exc), exc.code
    if fault == "lost_reply":
        return no_answer(), "lost_reply"
    return (reply if isinstance(reply, Response) else _result(reply)), error


@bp.post("/pay/unifiedorder")
def unified_order():
    def handle(params):
        payment = _sandbox().state.unified_order(params)
        return {"trade_type": payment.trade_type, "prepay_id": payment.prepay_id}

    return _pay_call("unifiedorder", handle)


@bp.post("/pay/orderquery")
def order_query():
    def handle(params):
        payment = _sandbox().state.find_payment(params.get("out_trade_no"), params.get("transaction_id"))
        reply = {"out_trade_no": payment.out_trade_no, "openid": payment.openid, "trade_type": payment.trade_type,
                 "trade_state": payment.trade_state, "trade_state_desc": TRADE_STATE_DESC[payment.trade_state],
                 "total_fee": payment.total_fee, "fee_type": "CNY", "attach": payment.attach}
        if payment.paid_at:
            reply.update(transaction_id=payment.transaction_id, cash_fee=payment.total_fee, bank_type="OTHERS",
                         is_subscribe="N", time_end=wechat_time(payment.paid_at))
        return reply

    return _pay_call("orderquery", handle)


@bp.post("/pay/closeorder")
def close_order():
    def handle(params):
        _sandbox().state.close_order(params.get("out_trade_no"))
        return {"result_msg": "OK"}

    return _pay_call("closeorder", handle)


@bp.post("/secapi/pay/refund")
def refund():
    def handle(params):
        r = _sandbox().state.apply_refund(params)
        return {"transaction_id": r.transaction_id, "out_trade_no": r.out_trade_no, "out_refund_no": r.out_refund_no,
                "refund_id": r.refund_id, "refund_fee": r.refund_fee, "settlement_refund_fee": r.refund_fee,
                "total_fee": r.total_fee, "cash_fee": r.total_fee, "cash_refund_fee": r.refund_fee,
                "coupon_refund_fee": 0, "refund_channel": ""}

    return _pay_call("refund", handle)


@bp.post("/pay/refundquery")
def refund_query():
    def handle(params):
        payment, refunds = _sandbox().state.find_refunds(params)
        reply = {"transaction_id": payment.transaction_id, "out_trade_no": payment.out_trade_no,
                 "total_fee": payment.total_fee, "cash_fee": payment.total_fee,
                 "refund_fee": sum(r.refund_fee for r in refunds), "refund_count": len(refunds)}
        for i, r in enumerate(refunds):
            reply.update({
                f"out_refund_no_{i}": r.out_refund_no, f"refund_id_{i}": r.refund_id,
                f"refund_channel_{i}": "ORIGINAL", f"refund_fee_{i}": r.refund_fee,
                f"settlement_refund_fee_{i}": r.refund_fee, f"refund_status_{i}": r.status,
                f"refund_account_{i}": "REFUND_SOURCE_RECHARGE_FUNDS", f"refund_recv_accout_{i}": "支付用户零钱",
                f"refund_success_time_{i}": wechat_datetime(r.succeeded_at) if r.succeeded_at else None,
            })
        return reply

    return _pay_call("refundquery", handle)


@bp.post("/pay/downloadbill")
def download_bill():
    def handle(params):
        bill_type = params.get("bill_type") or "ALL"
        if bill_type not in bill.HEADERS:
            return _return_fail("invalid bill_type")
        try:
            day = datetime.strptime(params.get("bill_date") or "", "%Y%m%d").date()
        except ValueError:
            return _return_fail("invalid bill_date")
        sandbox = _sandbox()
        text = bill.render(bill_type, *sandbox.state.bill_entries(day), sandbox.config)
        if text is None:
            return _return_fail("No Bill Exist", error_code="20002")
        return Response(text, content_type="text/plain; charset=utf-8")

    return _pay_call("downloadbill", handle)

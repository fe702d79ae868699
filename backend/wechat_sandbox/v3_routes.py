"""api.mch.weixin.qq.com: WeChat Pay APIv3 (JSON, RSA-signed both ways, public-key mode).

Same state and rules as v2 (state.py speaks v2's parameter names; this module translates), at
WeChat's real paths, with WeChat's HTTP statuses and `{"code", "message"}` errors."""
from __future__ import annotations

import gzip
import hashlib
import json
import secrets
from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from . import bill
from .clock import wechat_time
from .faults import REFUND_OUTCOME_ERRORS
from .pay_routes import no_answer
from .signing_v3 import authorization_problem, decrypt_sensitive, signed_headers
from .state import ABNORMAL_REFUND_TYPES, PayError
from .v3_resources import refund_json, transaction_json

bp = Blueprint("pay_v3", __name__, url_prefix="/v3")

# HTTP status of each v3 error code (WeChat's tables); anything else is 400.
STATUS = {
    "SIGN_ERROR": 401,
    "ORDER_NOT_EXIST": 404, "RESOURCE_NOT_EXISTS": 404,
    "ORDERPAID": 403, "OUT_TRADE_NO_USED": 403, "NO_AUTH": 403, "NOT_ENOUGH": 403, "USER_ACCOUNT_ABNORMAL": 403,
    "RULE_LIMIT": 403, "TRADE_ERROR": 403, "ACCOUNTERROR": 403,
    "FREQUENCY_LIMITED": 429,
    "SYSTEM_ERROR": 500, "BANK_ERROR": 500,
}
# The state raises v2's codes; their v3 names.
FROM_V2 = {
    "ORDERNOTEXIST": "ORDER_NOT_EXIST",
    "REFUNDNOTEXIST": "RESOURCE_NOT_EXISTS",
    "ORDERCLOSED": "ORDER_CLOSED",
    "LACK_PARAMS": "PARAM_ERROR",
    "REFUND_FEE_MISMATCH": "INVALID_REQUEST",
    "ERROR": "INVALID_REQUEST",
}
V3_MESSAGES = {"refund_fee大于可退金额": "申请退款金额超过订单可退金额", "201 商户订单号重复": "商户订单号重复"}


class V3Error(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _sandbox():
    return current_app.extensions["wechat_sandbox"]


def _reply(status: int, payload: dict | None) -> Response:
    """A JSON reply (or an empty one), signed with the WeChat Pay private key."""
    body = "" if payload is None else json.dumps(payload, ensure_ascii=False)
    keys = _sandbox().v3_keys
    headers = signed_headers(keys, body) if keys else {}
    mimetype = None if payload is None else "application/json"
    response = Response(body, status=status, headers=headers, mimetype=mimetype)
    if payload is not None:
        response.headers["Content-Type"] = "application/json; charset=utf-8"
    return response


def _error(code: str, message: str) -> Response:
    return _reply(STATUS.get(code, 400), {"code": code, "message": message})


def _signed_url() -> str:
    """Path and query exactly as the client sent (and signed) them."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return raw
    query = request.query_string.decode("latin-1")
    return quote(request.path) + (f"?{query}" if query else "")


def _v3_call(endpoint: str, handler, **kwargs) -> Response:
    sandbox = _sandbox()
    response, error = _serve(sandbox, endpoint, handler, kwargs)
    sandbox.stats.record(endpoint, error)
    sandbox.refund_limiter.record_outcome(endpoint, error)
    return response


def _serve(sandbox, endpoint: str, handler, kwargs: dict) -> tuple[Response, str | None]:
    """Authorization, JSON body, refund rate limits, injected fault, then the handler."""
    if sandbox.v3_keys is None:
        return _error("SIGN_ERROR", "沙箱未配置 APIv3 密钥（keys_dir），无法验证签名"), "SIGN_ERROR"
    body = request.get_data(as_text=True)
    problem = authorization_problem(sandbox.v3_keys, request.headers.get("Authorization"), request.method,
                                    _signed_url(), body)
    if problem:
        return _error("SIGN_ERROR", problem), "SIGN_ERROR"
    serial = request.headers.get("Wechatpay-Serial")
    if serial and serial != sandbox.v3_keys.wechatpay_public_key_id:
        # Public-key mode: the header names the key WeChat is to sign with (and sensitive fields used).
        return _error("PARAM_ERROR", "Wechatpay-Serial 不是本商户的微信支付公钥ID"), "PARAM_ERROR"
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return _error("PARAM_ERROR", "请求体不是合法的 JSON 对象"), "PARAM_ERROR"
    if endpoint == "v3_refund" and not sandbox.refund_limiter.admit():
        return _error("FREQUENCY_LIMITED", "频率限制，请降低频率后重试"), "FREQUENCY_LIMITED"
    fault = sandbox.faults.take(endpoint)
    if fault == "timeout":
        return no_answer(), "timeout"
    if fault in REFUND_OUTCOME_ERRORS:
        kwargs = dict(kwargs, outcome=fault)
    elif fault and fault != "lost_reply":
        return _error(fault, f"沙箱注入的故障：{fault}"), fault
    try:
        result = handler(payload, **kwargs)
    except PayError as exc:
        code = FROM_V2.get(exc.code, exc.code)
        result, error = _error(code, V3_MESSAGES.get(exc.message, exc.message)), code
    except V3Error as exc:
        result, error = _error(exc.code, exc.message), exc.code
    else:
        error = None
    if fault == "lost_reply":
        return no_answer(), "lost_reply"
    return result, error


def _required(data: dict, *names: str):
    """Text parameters that must be present."""
    for name in names:
        if data.get(name) in (None, ""):
            raise V3Error("PARAM_ERROR", f"缺少参数 {name}")
        if not isinstance(data[name], str):
            raise V3Error("PARAM_ERROR", f"{name} 须为字符串")


def _optional_text(data: dict, *names: str):
    for name in names:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise V3Error("PARAM_ERROR", f"{name} 须为字符串")


def _fen(value, name: str) -> str:
    """A positive integer amount in fen, as the state's v2-named parameters want it (text)."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise V3Error("PARAM_ERROR", f"{name} 须为正整数（单位：分）")
    return str(value)


def _object(data: dict, name: str) -> dict:
    value = data.get(name)
    if not isinstance(value, dict):
        raise V3Error("PARAM_ERROR", f"缺少参数 {name}")
    return value


def _check_merchant(data: dict):
    config = _sandbox().config
    if data.get("mchid") != config["mch_id"]:
        raise V3Error("MCH_NOT_EXISTS", "商户号不存在")
    if "appid" in data and data["appid"] != config["appid"]:
        raise V3Error("APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")


def _currency(amount: dict):
    if amount.get("currency", "CNY") != "CNY":
        raise V3Error("PARAM_ERROR", "currency 仅支持 CNY")


@bp.post("/pay/transactions/jsapi")
def jsapi_prepay():
    def handle(data):
        _required(data, "appid", "mchid", "description", "out_trade_no", "notify_url")
        _check_merchant(data)
        amount, payer = _object(data, "amount"), _object(data, "payer")
        _currency(amount)
        _required(payer, "openid")
        _optional_text(data, "attach", "time_expire")
        time_expire = None
        if data.get("time_expire"):
            try:
                moment = datetime.fromisoformat(data["time_expire"])
            except (TypeError, ValueError):
                moment = None
            if moment is None or moment.tzinfo is None:
                raise V3Error("PARAM_ERROR", "time_expire 须为 RFC 3339 格式，如 2018-06-08T10:34:56+08:00")
            time_expire = wechat_time(moment)
        payment = _sandbox().state.unified_order({
            "body": data["description"], "out_trade_no": data["out_trade_no"],
            "total_fee": _fen(amount.get("total"), "amount.total"), "notify_url": data["notify_url"],
            "trade_type": "JSAPI", "spbill_create_ip": "v3", "openid": payer["openid"],
            "attach": data.get("attach"), "time_expire": time_expire,
        }, api="v3")
        return _reply(200, {"prepay_id": payment.prepay_id})

    return _v3_call("v3_jsapi", handle)


@bp.get("/pay/transactions/out-trade-no/<out_trade_no>")
def query_order(out_trade_no):
    return _v3_call("v3_query", _query, out_trade_no=out_trade_no)


@bp.get("/pay/transactions/id/<transaction_id>")
def query_order_by_transaction_id(transaction_id):
    return _v3_call("v3_query", _query, transaction_id=transaction_id)


def _query(_data, out_trade_no=None, transaction_id=None):
    _check_merchant({"mchid": request.args.get("mchid")})
    sandbox = _sandbox()
    payment = sandbox.state.find_payment(out_trade_no=out_trade_no, transaction_id=transaction_id)
    return _reply(200, transaction_json(payment, sandbox.config))


@bp.post("/pay/transactions/out-trade-no/<out_trade_no>/close")
def close_order(out_trade_no):
    def handle(data):
        _check_merchant(data)
        try:
            _sandbox().state.close_order(out_trade_no)
        except PayError as exc:
            if exc.code != "ORDERCLOSED":  # closing a closed order again is a success in v3
                raise
        return _reply(204, None)

    return _v3_call("v3_close", handle)


@bp.post("/refund/domestic/refunds")
def refund():
    def handle(data, outcome=None):
        _required(data, "out_refund_no")
        if not (data.get("transaction_id") or data.get("out_trade_no")):
            raise V3Error("PARAM_ERROR", "transaction_id 和 out_trade_no 必须二选一")
        _optional_text(data, "transaction_id", "out_trade_no", "reason", "notify_url")
        amount = _object(data, "amount")
        _required(amount, "currency")
        _currency(amount)
        sandbox = _sandbox()
        r = sandbox.state.apply_refund({
            "out_refund_no": data["out_refund_no"], "transaction_id": data.get("transaction_id"),
            "out_trade_no": data.get("out_trade_no"), "total_fee": _fen(amount.get("total"), "amount.total"),
            "refund_fee": _fen(amount.get("refund"), "amount.refund"), "notify_url": data.get("notify_url"),
            "refund_desc": data.get("reason"),
        }, api="v3", outcome=outcome)
        return _reply(200, refund_json(r, sandbox.state.payments[r.out_trade_no]))

    def handle_refund(data, outcome=None):
        try:
            return handle(data, outcome)
        except PayError as exc:
            if exc.code == "ORDERNOTEXIST":  # the refund API names it differently from the order query
                raise V3Error("RESOURCE_NOT_EXISTS", "订单不存在或未支付") from None
            raise

    return _v3_call("v3_refund", handle_refund)


@bp.get("/refund/domestic/refunds/<out_refund_no>")
def query_refund(out_refund_no):
    def handle(_data):
        payment, [found] = _sandbox().state.find_refunds({"out_refund_no": out_refund_no})
        return _reply(200, refund_json(found, payment))

    return _v3_call("v3_refund_query", handle)


@bp.post("/refund/domestic/refunds/<refund_id>/apply-abnormal-refund")
def apply_abnormal_refund(refund_id):
    def handle(data):
        _required(data, "out_refund_no", "type")
        sandbox = _sandbox()
        account = None
        if data["type"] == "USER_BANK_CARD":
            _required(data, "bank_type", "bank_account", "real_name")
        if data.get("bank_account") or data.get("real_name"):
            if request.headers.get("Wechatpay-Serial") != sandbox.v3_keys.wechatpay_public_key_id:
                raise V3Error("PARAM_ERROR", "Wechatpay-Serial 须为加密敏感信息所用的微信支付公钥ID")
            try:
                account = decrypt_sensitive(sandbox.v3_keys, data["bank_account"]) if data.get("bank_account") else None
                if data.get("real_name"):
                    decrypt_sensitive(sandbox.v3_keys, data["real_name"])
            except (TypeError, ValueError):
                raise V3Error("PARAM_ERROR", "敏感信息解密失败，请用微信支付公钥加密") from None
        elif data["type"] not in ABNORMAL_REFUND_TYPES:
            raise V3Error("PARAM_ERROR", "type 须为 USER_BANK_CARD 或 MERCHANT_BANK_CARD")
        r = sandbox.state.apply_abnormal_refund(refund_id, data["out_refund_no"], data["type"], account)
        return _reply(200, refund_json(r, sandbox.state.payments[r.out_trade_no]))

    return _v3_call("v3_abnormal_refund", handle)


# -- bills ------------------------------------------------------------------------------------

# Download URLs serve the bill as it was when it was applied for, as WeChat's files do: a refund
# settling in between must not change a file whose hash the merchant already holds.
MAX_BILL_FILES = 100


def _bill_text(spec: dict) -> bytes:
    sandbox = _sandbox()
    day = datetime.strptime(spec["bill_date"], "%Y-%m-%d").date()
    text = bill.render(spec["bill_type"], *sandbox.state.bill_entries(day), sandbox.config)
    if text is None:
        raise V3Error("NO_STATEMENT_EXIST", "当前日期没有账单")
    return text.encode("utf-8")


@bp.get("/bill/tradebill")
def trade_bill():
    def handle(_data):
        spec = {"bill_date": request.args.get("bill_date") or "", "bill_type": request.args.get("bill_type") or "ALL",
                "tar_type": request.args.get("tar_type") or ""}
        try:
            datetime.strptime(spec["bill_date"], "%Y-%m-%d")
        except ValueError:
            raise V3Error("PARAM_ERROR", "bill_date 须为 yyyy-MM-dd") from None
        if spec["bill_type"] not in bill.HEADERS:
            raise V3Error("PARAM_ERROR", "bill_type 须为 ALL、SUCCESS 或 REFUND")
        if spec["tar_type"] not in ("", "GZIP"):
            raise V3Error("PARAM_ERROR", "tar_type 仅支持 GZIP")
        text = _bill_text(spec)
        token = secrets.token_urlsafe(24)
        files = _sandbox().bill_files
        files[token] = gzip.compress(text, mtime=0) if spec["tar_type"] == "GZIP" else text
        while len(files) > MAX_BILL_FILES:
            files.pop(next(iter(files)))
        return _reply(200, {"hash_type": "SHA1", "hash_value": hashlib.sha1(text).hexdigest(),
                            "download_url": f"{request.host_url}v3/billdownload/file?token={token}"})

    return _v3_call("v3_tradebill", handle)


@bp.get("/billdownload/file")
def download_bill():
    """The bill file itself: gzip or plain text per tar_type; WeChat does not sign this reply,
    the merchant checks hash_value instead."""
    def handle(_data):
        content = _sandbox().bill_files.get(request.args.get("token") or "")
        if content is None:
            raise V3Error("PARAM_ERROR", "token 无效或已过期")
        if content[:2] == b"\x1f\x8b":  # gzip
            return Response(content, mimetype="application/octet-stream")
        return Response(content, content_type="text/plain; charset=utf-8")

    return _v3_call("v3_bill_download", handle)

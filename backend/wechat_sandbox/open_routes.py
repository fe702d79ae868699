"""api.weixin.qq.com: access token, mini-program login (code2session), subscribe messages."""
import hashlib
import base64
import time

from flask import Blueprint, Response, current_app, jsonify, request

bp = Blueprint("open", __name__)

# errcode values as documented by WeChat.
INVALID_CREDENTIAL = 40001
INVALID_OPENID = 40003
INVALID_APPID = 40013
INVALID_CODE = 40029
INVALID_TEMPLATE_ID = 40037
INVALID_SECRET = 40125
INVALID_ARGUMENT = 47001
SYSTEM_BUSY = -1


def _sandbox():
    return current_app.extensions["wechat_sandbox"]


def _error(errcode: int, errmsg: str):
    return jsonify(errcode=errcode, errmsg=errmsg)


def _fault_reply(endpoint: str):
    """The injected fault's reply for this call, or None to carry on."""
    fault = _sandbox().faults.take(endpoint)
    if fault is None:
        return None
    if fault in ("timeout", "lost_reply"):
        time.sleep(float(_sandbox().config["timeout_sleep"]))
        return Response(b"", status=504)
    if fault.lstrip("-").isdigit():
        return _error(int(fault), f"sandbox fault {fault}")
    return _error(SYSTEM_BUSY, f"system error ({fault})")


def _check_app(args):
    config = _sandbox().config
    if args.get("appid") != config["appid"]:
        return _error(INVALID_APPID, "invalid appid")
    if args.get("secret") != config["secret"]:
        return _error(INVALID_SECRET, "invalid appsecret")
    return None


@bp.get("/cgi-bin/token")
def access_token():
    failure = _check_app(request.args) or _fault_reply("token")
    if failure:
        return failure
    if request.args.get("grant_type") != "client_credential":
        return _error(40002, "invalid grant_type")
    token, expires_in = current_app.extensions["wechat_platform"].issue_classic_token()
    return jsonify(access_token=token, expires_in=expires_in)


@bp.get("/sns/jscode2session")
def code_to_session():
    failure = _check_app(request.args) or _fault_reply("jscode2session")
    if failure:
        return failure
    code = request.args.get("js_code") or ""
    if not code.strip():
        return _error(INVALID_CODE, "invalid code")
    openid = f"sandbox-{code}"
    # Stable per shopper, so a test can log in with the same code again and again.
    session_key = base64.b64encode(hashlib.md5(openid.encode("utf-8")).digest()).decode("ascii")
    return jsonify(openid=openid, session_key=session_key)


@bp.post("/cgi-bin/message/subscribe/send")
def send_subscribe_message():
    sandbox = _sandbox()
    if not current_app.extensions["wechat_platform"].is_valid_token(request.args.get("access_token")):
        return _error(INVALID_CREDENTIAL, "invalid credential, access_token is invalid or not latest")
    failure = _fault_reply("subscribe_send")
    if failure:
        return failure
    message = request.get_json(force=True, silent=True)
    if not isinstance(message, dict):
        return _error(INVALID_ARGUMENT, "data format error")
    if not message.get("touser"):
        return _error(INVALID_OPENID, "invalid openid")
    if not message.get("template_id"):
        return _error(INVALID_TEMPLATE_ID, "invalid template_id")
    if not isinstance(message.get("data"), dict):
        return _error(INVALID_ARGUMENT, "argument invalid! data.")
    entry = sandbox.state.record_message(message)
    return jsonify(errcode=0, errmsg="ok", msgid=entry["msgid"])

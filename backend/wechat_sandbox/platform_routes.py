"""api.weixin.qq.com, mini-program platform side: stable access token, order shipping (发货信息管理),
carriers; and its control routes (/__control__/shipping, /__control__/tokens, /__control__/platform)."""
from flask import Blueprint, current_app, jsonify, request

from .open_routes import INVALID_ARGUMENT, INVALID_CREDENTIAL, _check_app, _error, _fault_reply
from .platform import DELIVERY_LIST, PlatformError, PlatformState

bp = Blueprint("platform", __name__)
control = Blueprint("platform_control", __name__, url_prefix="/__control__")
EXTENSION = "wechat_platform"


@bp.record_once
def _create_state(setup_state):
    app = setup_state.app
    app.extensions[EXTENSION] = PlatformState(app.extensions["wechat_sandbox"].config,
                                              app.extensions["wechat_sandbox"].state)


def platform() -> PlatformState:
    return current_app.extensions[EXTENSION]


def _json_body() -> dict | None:
    body = request.get_json(force=True, silent=True)
    return body if isinstance(body, dict) else None


def _authorised_call(endpoint: str):
    """(body, None) for a call with a valid access token and a JSON body, else (None, error reply)."""
    if not platform().is_valid_token(request.args.get("access_token")):
        return None, _error(INVALID_CREDENTIAL, "invalid credential, access_token is invalid or not latest")
    failure = _fault_reply(endpoint)
    if failure:
        return None, failure
    body = _json_body()
    if body is None:
        return None, _error(INVALID_ARGUMENT, "data format error")
    return body, None


def _ok(**extra):
    return jsonify(errcode=0, errmsg="ok", **extra)


@bp.post("/cgi-bin/stable_token")
def stable_token():
    body = _json_body() or {}
    failure = _check_app(body) or _fault_reply("stable_token")
    if failure:
        return failure
    if body.get("grant_type") != "client_credential":
        return _error(40002, "invalid grant_type")
    token, expires_in = platform().stable_token(bool(body.get("force_refresh")))
    return jsonify(access_token=token, expires_in=expires_in)


def _serve(endpoint: str, action):
    """An authorised call: `action(body)` returns the reply's extra fields (or None); a PlatformError is WeChat's error reply."""
    body, failure = _authorised_call(endpoint)
    if failure:
        return failure
    try:
        return _ok(**(action(body) or {}))
    except PlatformError as exc:
        return _error(exc.errcode, exc.errmsg)


@bp.post("/wxa/sec/order/upload_shipping_info")
def upload_shipping_info():
    return _serve("upload_shipping_info", lambda body: platform().upload_shipping_info(body) and None)


@bp.post("/wxa/sec/order/get_order")
def get_order():
    return _serve("get_order", lambda body: {"order": platform().get_order(body)})


@bp.post("/wxa/sec/order/notify_confirm_receive")
def notify_confirm_receive():
    return _serve("notify_confirm_receive", platform().notify_confirm_receive)


@bp.post("/wxa/sec/order/set_msg_jump_path")
def set_msg_jump_path():
    return _serve("set_msg_jump_path", platform().set_msg_jump_path)


@bp.post("/wxa/sec/order/is_trade_managed")
def is_trade_managed():
    return _serve("is_trade_managed", lambda body: {"is_trade_managed": platform().is_trade_managed(body)})


@bp.post("/cgi-bin/express/delivery/open_msg/get_delivery_list")
def get_delivery_list():
    return _serve("get_delivery_list", lambda body: {"delivery_list": DELIVERY_LIST, "count": len(DELIVERY_LIST)})


# -- control -------------------------------------------------------------------------------


@control.get("/shipping")
def shipping():
    """Shipping uploads per payment, with each payment's settlement state (frozen / released)."""
    state = platform()
    return jsonify(shipping=state.shipping(), jump_path=state.jump_path, trade_managed=state.trade_managed,
                   reminders=list(state.reminders))


@control.post("/shipping/confirm")
def confirm_receipt():
    """The shopper confirmed receipt inside WeChat (`"auto": true`: WeChat confirmed it automatically)."""
    body = _json_body() or {}
    if not body.get("out_trade_no"):
        return jsonify(error="out_trade_no is required"), 400
    try:
        return jsonify(platform().confirm_receipt(body["out_trade_no"], bool(body.get("auto"))))
    except PlatformError as exc:
        return jsonify(error=exc.errmsg, errcode=exc.errcode), 409


@control.get("/tokens")
def tokens():
    return jsonify(platform().token_stats())


@control.post("/platform")
def configure_platform():
    """{"trade_managed": bool}: whether the mini-program has the shipping-management service switched on."""
    body = _json_body() or {}
    if not isinstance(body.get("trade_managed"), bool):
        return jsonify(error="trade_managed must be true or false"), 400
    platform().set_trade_managed(body["trade_managed"])
    return jsonify(trade_managed=platform().trade_managed)


bp.register_blueprint(control)

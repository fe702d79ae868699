"""/__control__: what a test (or a person) does to WeChat that the shop cannot do itself."""
from flask import Blueprint, current_app, jsonify, request

from .config import RUNTIME_KEYS, SECRET_KEYS
from .faults import FaultError
from .state import Conflict, NotFound

bp = Blueprint("control", __name__, url_prefix="/__control__")


def _sandbox():
    return current_app.extensions["wechat_sandbox"]


def _problem(status: int, message: str):
    return jsonify(error=message), status


def _body() -> dict:
    body = request.get_json(force=True, silent=True)
    return body if isinstance(body, dict) else {}


@bp.post("/pay")
def pay():
    out_trade_no = _body().get("out_trade_no")
    if not out_trade_no:
        return _problem(400, "out_trade_no is required")
    try:
        payment = _sandbox().state.mark_paid(out_trade_no)
    except NotFound as exc:
        return _problem(404, str(exc))
    except Conflict as exc:
        return _problem(409, str(exc))
    return jsonify(transaction_id=payment.transaction_id, out_trade_no=payment.out_trade_no,
                   total_fee=payment.total_fee)


@bp.post("/refunds/<out_refund_no>/settle")
def settle_refund(out_refund_no):
    status = _body().get("status")
    try:
        refund = _sandbox().state.settle_refund(out_refund_no, status)
    except NotFound as exc:
        return _problem(404, str(exc))
    except ValueError as exc:
        return _problem(400, str(exc))
    return jsonify(refund.as_json())


@bp.post("/faults")
def add_fault():
    body = _body()
    try:
        fault = _sandbox().faults.add(body.get("endpoint"), body.get("error"), body.get("times", 1))
    except FaultError as exc:
        return _problem(400, str(exc))
    return jsonify(fault), 201


@bp.get("/faults")
def list_faults():
    return jsonify(faults=_sandbox().faults.list())


@bp.delete("/faults")
def clear_faults():
    _sandbox().faults.clear()
    return jsonify(faults=[])


@bp.get("/payments")
def payments():
    return jsonify(payments=_sandbox().state.snapshot()["payments"])


@bp.get("/refunds")
def refunds():
    return jsonify(refunds=_sandbox().state.snapshot()["refunds"])


@bp.get("/messages")
def messages():
    return jsonify(messages=_sandbox().state.snapshot()["messages"])


@bp.get("/notifications")
def notifications():
    return jsonify(notifications=_sandbox().notifier.entries())


@bp.post("/reset")
def reset():
    sandbox = _sandbox()
    sandbox.faults.clear()
    sandbox.state.reset()
    sandbox.stats.reset()
    sandbox.refund_limiter.reset()
    sandbox.bill_files.clear()
    current_app.extensions["wechat_platform"].reset()
    current_app.extensions["wechat_complaints"].reset()
    return jsonify(status="reset")


@bp.post("/complaints")
def file_complaint():
    """A shopper complains about a paid order (消费者投诉2.0); COMPLAINT.CREATE goes to the registered URL."""
    body = _body()
    out_trade_no, text = body.get("out_trade_no"), body.get("text")
    if not isinstance(out_trade_no, str) or not isinstance(text, str) or not text.strip():
        return _problem(400, "out_trade_no and text are required")
    media = body.get("media_urls") or []
    if not isinstance(media, list) or not all(isinstance(url, str) for url in media):
        return _problem(400, "media_urls must be a list of URLs")
    payment = _sandbox().state.payments.get(out_trade_no)
    if payment is None:
        return _problem(404, f"no payment {out_trade_no!r}")
    if payment.transaction_id is None:
        return _problem(409, f"order {out_trade_no!r} is not paid")
    complaint = current_app.extensions["wechat_complaints"].file(payment, text.strip(), media)
    return jsonify(complaint.as_json()), 201


@bp.get("/complaints")
def complaints():
    """Every complaint with the merchant's replies, refund-progress updates and completion."""
    book = current_app.extensions["wechat_complaints"]
    return jsonify(complaints=book.snapshot(), notify_url=book.notify_url)


@bp.get("/config")
def get_config():
    config = _sandbox().config
    return jsonify({k: v for k, v in config.items() if k not in SECRET_KEYS})


@bp.post("/config")
def update_config():
    changes = _body()
    unknown = set(changes) - RUNTIME_KEYS
    if unknown:
        return _problem(400, f"cannot change {sorted(unknown)}; changeable: {sorted(RUNTIME_KEYS)}")
    _sandbox().config.update(changes)
    return get_config()


@bp.get("/stats")
def stats():
    """Calls per WeChat Pay endpoint (v2 and v3), succeeded, and refusals by error code."""
    return jsonify(endpoints=_sandbox().stats.snapshot())


@bp.get("/health")
def health():
    return jsonify(status="ok")

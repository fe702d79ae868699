"""api.mch.weixin.qq.com/v3/merchant-service: consumer complaints (消费者投诉2.0), signed and verified
like every other v3 endpoint (v3_routes._v3_call). State and rules: complaints.py."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, current_app, request

from .complaints import ComplaintError, complaint_json
from .v3_routes import V3Error, _optional_text, _required, _reply, _v3_call

bp = Blueprint("complaints_v3", __name__, url_prefix="/v3/merchant-service")
MAX_DAYS = 30


def _book():
    return current_app.extensions["wechat_complaints"]


def _config() -> dict:
    return current_app.extensions["wechat_sandbox"].config


def _call(endpoint: str, handler, **kwargs):
    def guarded(data, **kw):
        try:
            return handler(data, **kw)
        except ComplaintError as exc:
            raise V3Error(exc.code, exc.message) from None
    return _v3_call(endpoint, guarded, **kwargs)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise V3Error("PARAM_ERROR", f"{name} 须为 {low}-{high} 的整数")
    return int(text)


def _mchid_matches(mchid):
    if mchid is not None and mchid != _config()["mch_id"]:
        raise V3Error("NO_AUTH", "complainted_mchid 不是本商户")


@bp.get("/complaints-v2")
def list_complaints():
    def handle(_data):
        try:
            begin = date.fromisoformat(request.args.get("begin_date") or "")
            end = date.fromisoformat(request.args.get("end_date") or "")
        except ValueError:
            raise V3Error("PARAM_ERROR", "begin_date、end_date 须为 YYYY-MM-DD") from None
        if end < begin or end - begin > timedelta(days=MAX_DAYS):
            raise V3Error("PARAM_ERROR", f"查询日期跨度不能超过{MAX_DAYS}天")
        _mchid_matches(request.args.get("complainted_mchid"))
        limit, offset = _int_arg("limit", 10, 1, 50), _int_arg("offset", 0, 0, 10 ** 9)
        found = _book().between(begin, end)
        return _reply(200, {"data": [complaint_json(c, _config()) for c in found[offset:offset + limit]],
                            "limit": limit, "offset": offset, "total_count": len(found)})

    return _call("v3_complaint_list", handle)


@bp.get("/complaints-v2/<complaint_id>")
def complaint_detail(complaint_id):
    return _call("v3_complaint_detail", lambda _data: _reply(200, complaint_json(_book().get(complaint_id), _config())))


@bp.get("/complaints-v2/<complaint_id>/negotiation-historys")
def negotiation_history(complaint_id):
    def handle(_data):
        limit, offset = _int_arg("limit", 100, 1, 300), _int_arg("offset", 0, 0, 10 ** 9)
        history = _book().get(complaint_id).history
        return _reply(200, {"data": history[offset:offset + limit], "limit": limit, "offset": offset,
                            "total_count": len(history)})

    return _call("v3_complaint_history", handle)


@bp.post("/complaints-v2/<complaint_id>/response")
def respond(complaint_id):
    def handle(data):
        _required(data, "complainted_mchid", "response_content")
        _mchid_matches(data["complainted_mchid"])
        _optional_text(data, "jump_url", "jump_url_text")
        _book().respond(complaint_id, data["response_content"])
        return _reply(204, None)

    return _call("v3_complaint_response", handle)


@bp.post("/complaints-v2/<complaint_id>/complete")
def complete(complaint_id):
    def handle(data):
        _required(data, "complainted_mchid")
        _mchid_matches(data["complainted_mchid"])
        _book().complete(complaint_id)
        return _reply(204, None)

    return _call("v3_complaint_complete", handle)


@bp.post("/complaints-v2/<complaint_id>/update-refund-progress")
def update_refund_progress(complaint_id):
    def handle(data):
        _required(data, "action")
        if data["action"] not in ("APPROVE", "REJECT"):
            raise V3Error("PARAM_ERROR", "action 须为 APPROVE 或 REJECT")
        _optional_text(data, "reject_reason", "remark")
        day = data.get("launch_refund_day")
        if data["action"] == "APPROVE" and (not isinstance(day, int) or isinstance(day, bool) or day < 0):
            raise V3Error("PARAM_ERROR", "同意退款时须填写 launch_refund_day（预计发起退款的工作日数，0 为当天）")
        if data["action"] == "REJECT" and not data.get("reject_reason"):
            raise V3Error("PARAM_ERROR", "拒绝退款时须填写 reject_reason")
        _book().update_refund(complaint_id, {"action": data["action"], "launch_refund_day": day,
                                             "reject_reason": data.get("reject_reason"),
                                             "remark": data.get("remark")})
        return _reply(204, None)

    return _call("v3_complaint_refund_progress", handle)


def _register(data):
    _required(data, "url")
    return _reply(200, {"mchid": _config()["mch_id"], "url": _book().register(data["url"])})


@bp.post("/complaint-notifications")
def create_notify_url():
    return _call("v3_complaint_notifications", _register)


@bp.put("/complaint-notifications")
def update_notify_url():
    return _call("v3_complaint_notifications", _register)


@bp.get("/complaint-notifications")
def query_notify_url():
    def handle(_data):
        url = _book().notify_url
        if url is None:
            raise V3Error("RESOURCE_NOT_EXISTS", "未设置投诉通知回调地址")
        return _reply(200, {"mchid": _config()["mch_id"], "url": url})

    return _call("v3_complaint_notifications", handle)

"""Injected failures: "the next N calls of endpoint E fail with error X"."""
import threading

ENDPOINTS = {
    "token", "jscode2session", "subscribe_send",
    "unifiedorder", "orderquery", "closeorder", "refund", "refundquery", "downloadbill",
    "pay_notify", "refund_notify",
    "stable_token", "upload_shipping_info", "get_order", "notify_confirm_receive", "set_msg_jump_path",
    "is_trade_managed", "get_delivery_list",
    "v3_jsapi", "v3_query", "v3_close", "v3_refund", "v3_refund_query", "v3_abnormal_refund", "v3_tradebill",
    "v3_bill_download",
    "v3_complaint_list", "v3_complaint_detail", "v3_complaint_history", "v3_complaint_response",
    "v3_complaint_complete", "v3_complaint_refund_progress", "v3_complaint_notifications", "complaint_notify",
}
NOTIFY_ENDPOINTS = {"pay_notify", "refund_notify", "complaint_notify"}
# "timeout": nothing is done, the caller waits timeout_sleep seconds for an empty answer.
# "lost_reply": the call takes effect, then the caller gets the same useless answer.
TRANSPORT_ERRORS = {"timeout", "lost_reply"}
NOTIFY_ERRORS = {"drop", "duplicate"}
# A v3 refund accepted as usual (PROCESSING) that later ends ABNORMAL or CLOSED.
REFUND_OUTCOME_ERRORS = {"ABNORMAL", "CLOSED"}


class FaultError(ValueError):
    pass


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending: dict[str, dict] = {}

    def add(self, endpoint: str, error: str, times: int = 1) -> dict:
        if endpoint not in ENDPOINTS:
            raise FaultError(f"unknown endpoint {endpoint!r}; one of {sorted(ENDPOINTS)}")
        if not error or not isinstance(error, str):
            raise FaultError("error must be a WeChat error code, 'timeout' or 'lost_reply'")
        if endpoint in NOTIFY_ENDPOINTS and error not in NOTIFY_ERRORS:
            raise FaultError(f"{endpoint} takes 'drop' or 'duplicate'")
        if endpoint not in NOTIFY_ENDPOINTS and error in NOTIFY_ERRORS:
            raise FaultError(f"'{error}' only applies to pay_notify and refund_notify")
        if error in REFUND_OUTCOME_ERRORS and endpoint != "v3_refund":
            raise FaultError(f"'{error}' only applies to v3_refund")
        if not isinstance(times, int) or times < 1:
            raise FaultError("times must be a positive integer")
        with self._lock:
            self._pending[endpoint] = {"endpoint": endpoint, "error": error, "times": times}
            return dict(self._pending[endpoint])

    def take(self, endpoint: str) -> str | None:
        """The error the current call of `endpoint` must fail with, if any (uses it up)."""
        with self._lock:
            fault = self._pending.get(endpoint)
            if not fault:
                return None
            fault["times"] -= 1
            if fault["times"] == 0:
                del self._pending[endpoint]
            return fault["error"]

    def list(self) -> list[dict]:
        with self._lock:
            return [dict(f) for f in self._pending.values()]

    def clear(self):
        with self._lock:
            self._pending.clear()

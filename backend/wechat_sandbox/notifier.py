"""Payment and refund notifications: built as WeChat builds them, delivered in the background,
re-sent on the retry schedule until the merchant acknowledges them: v2 with HTTP 200 and
return_code SUCCESS, v3 with any 2xx (WeChat: 200 or 204, no body needed). v2 notifications
are XML; v3 ones (v3_resources.py) are JSON whose Wechatpay-* headers are signed afresh on every
attempt, as WeChat does, so a re-send is never refused as stale."""
import itertools
import json
import logging
import threading

import requests

from . import signing
from .clock import utcnow, wechat_datetime, wechat_time
from .signing_v3 import signed_headers
from .store import Store

log = logging.getLogger(__name__)


def payment_notification(payment, config: dict) -> bytes:
    params = {
        "appid": config["appid"],
        "attach": payment.attach,
        "bank_type": "OTHERS",
        "cash_fee": payment.total_fee,
        "fee_type": "CNY",
        "is_subscribe": "N",
        "mch_id": config["mch_id"],
        "nonce_str": signing.nonce(),
        "openid": payment.openid,
        "out_trade_no": payment.out_trade_no,
        "result_code": "SUCCESS",
        "return_code": "SUCCESS",
        "time_end": wechat_time(payment.paid_at),
        "total_fee": payment.total_fee,
        "trade_type": payment.trade_type,
        "transaction_id": payment.transaction_id,
    }
    return signing.signed_xml(params, config["api_key"]).encode("utf-8")


def refund_notification(refund, payment, config: dict) -> bytes:
    """Refund notifications carry no sign: the payload is encrypted in req_info instead."""
    inner = {
        "out_refund_no": refund.out_refund_no,
        "out_trade_no": refund.out_trade_no,
        "refund_account": "REFUND_SOURCE_RECHARGE_FUNDS",
        "refund_fee": refund.refund_fee,
        "refund_id": refund.refund_id,
        "refund_recv_accout": "支付用户零钱",
        "refund_request_source": "API",
        "refund_status": refund.status,
        "settlement_refund_fee": refund.refund_fee,
        "settlement_total_fee": payment.total_fee,
        "success_time": wechat_datetime(refund.succeeded_at) if refund.succeeded_at else None,
        "total_fee": payment.total_fee,
        "transaction_id": refund.transaction_id,
    }
    outer = {
        "return_code": "SUCCESS",
        "appid": config["appid"],
        "mch_id": config["mch_id"],
        "nonce_str": signing.nonce(),
        "req_info": signing.encrypt_refund_info(signing.to_xml(inner, root="root"), config["api_key"]),
    }
    return signing.to_xml(outer).encode("utf-8")


class Notifier:
    """One daemon thread per notification; reset() abandons every pending re-send.

    A notification not yet acknowledged is kept in the store, and resume() (at start) sends it
    again from the first attempt: like WeChat, a restart does not forget what it owes."""

    def __init__(self, config: dict, faults, store: Store | None = None, v3_keys=None):
        self.config = config
        self.faults = faults
        self.store = store or Store(None)
        self.v3_keys = v3_keys
        self._lock = threading.Lock()
        self._log: list[dict] = []
        self._ids = itertools.count(1)
        self._stop = threading.Event()

    def deliver(self, kind: str, url: str, body: bytes, meta: dict, api: str = "v2"):
        delivery = {"delivery_id": next(self._ids), "kind": kind, "url": url, "api": api, **meta}
        self.store.save("delivery", str(delivery["delivery_id"]),
                        json.dumps({"delivery": delivery, "body": body.decode("utf-8")}, ensure_ascii=False))
        self._start(delivery, body)

    def resume(self):
        pending = [json.loads(text) for text in self.store.rows("delivery")]
        if pending:
            self._ids = itertools.count(max(p["delivery"]["delivery_id"] for p in pending) + 1)
        for p in pending:
            self._start(p["delivery"], p["body"].encode("utf-8"))

    def _start(self, delivery: dict, body: bytes):
        thread = threading.Thread(target=self._run, args=(delivery, body, self._stop),
                                  name=f"notify-{delivery['delivery_id']}", daemon=True)
        thread.start()

    def _run(self, delivery: dict, body: bytes, stop: threading.Event):
        delays = [0.0] + [float(d) for d in self.config["notify_retry_intervals"]]
        for attempt, delay in enumerate(delays, start=1):
            if stop.wait(delay):
                return
            fault = self.faults.take(delivery["kind"])
            if fault == "drop":
                self._record(delivery, attempt, status="dropped")
                continue
            acknowledged = False
            for _ in range(2 if fault == "duplicate" else 1):
                acknowledged = self._post(delivery, body, attempt) or acknowledged
            if acknowledged:
                break
        if not stop.is_set():  # acknowledged, or WeChat gave up after its last re-send
            self.store.delete("delivery", str(delivery["delivery_id"]))

    def _post(self, delivery: dict, body: bytes, attempt: int) -> bool:
        v3 = delivery["api"] == "v3"
        if v3:  # signed afresh on every attempt
            headers = {"Content-Type": "application/json", **signed_headers(self.v3_keys, body.decode("utf-8"))}
        else:
            headers = {"Content-Type": "text/xml"}
        try:
            response = requests.post(delivery["url"], data=body, headers=headers,
                                     timeout=float(self.config["notify_timeout"]))
        except requests.RequestException as exc:
            self._record(delivery, attempt, status="error", error=str(exc))
            return False
        if v3:
            acknowledged = 200 <= response.status_code < 300
        else:
            reply = signing.parse_xml(response.content) or {}
            acknowledged = response.status_code == 200 and reply.get("return_code") == "SUCCESS"
        self._record(delivery, attempt, status="acknowledged" if acknowledged else "rejected",
                     http_status=response.status_code, reply=response.text[:500])
        return acknowledged

    def _record(self, delivery: dict, attempt: int, status: str, **details):
        entry = {**delivery, "attempt": attempt, "status": status,
                 "acknowledged": status == "acknowledged", "at": utcnow().isoformat(), **details}
        log.info("notification %(kind)s #%(delivery_id)s attempt %(attempt)s: %(status)s", entry)
        with self._lock:
            self._log.append(entry)

    def entries(self) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._log]

    def reset(self):
        with self._lock:
            self._stop.set()
            self._stop = threading.Event()
            self._log.clear()

"""The mini-program platform's state: access tokens and the order-shipping service (发货信息管理).

Kept in memory and written through to the pay state's SQLite store (kinds `shipping` and
`platform`), so a restart forgets neither uploads nor tokens. Payments are not copied here: they are read from the pay state (`find_payment`), so an upload
is always checked against what the shopper really paid.

WeChat's rules emulated:
- `/cgi-bin/token` issues a new token on every call and the previous one stops working (real
  WeChat keeps it for five more minutes; the sandbox is stricter so that token sharing bugs show).
- `/cgi-bin/stable_token` returns the same token while it has more than five minutes to live;
  `force_refresh` replaces it and the old one stops working. The two kinds never affect each other.
- one shipping upload per payment, then one update while the shopper has not confirmed receipt;
  express shipments need a tracking number and a carrier from the delivery list, 顺丰 a contact;
  the money stays frozen until the shopper confirms receipt (or WeChat confirms automatically).
"""
from __future__ import annotations

import json
import secrets
import threading
from datetime import datetime

from .clock import utcnow

STABLE_RENEW_BEFORE_SECONDS = 300

# WeChat's carrier list (get_delivery_list): delivery_id is the express_company of an upload.
DELIVERY_LIST = [
    {"delivery_id": "SF", "delivery_name": "顺丰速运"},
    {"delivery_id": "ZTO", "delivery_name": "中通快递"},
    {"delivery_id": "YTO", "delivery_name": "圆通速递"},
    {"delivery_id": "STO", "delivery_name": "申通快递"},
    {"delivery_id": "YUNDA", "delivery_name": "韵达速递"},
    {"delivery_id": "JTSD", "delivery_name": "极兔速递"},
    {"delivery_id": "JD", "delivery_name": "京东物流"},
    {"delivery_id": "EMS", "delivery_name": "EMS"},
    {"delivery_id": "YZPY", "delivery_name": "邮政快递包裹"},
    {"delivery_id": "DBL", "delivery_name": "德邦快递"},
]
CARRIER_CODES = {c["delivery_id"] for c in DELIVERY_LIST}

# order_state of get_order
TO_SHIP, SHIPPED, RECEIVED, COMPLETED, REFUNDED = 1, 2, 3, 4, 5
MAX_PACKAGES = 15


class PlatformError(Exception):
    def __init__(self, errcode: int, errmsg: str):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


def _param_error(hint: str) -> PlatformError:
    return PlatformError(10060014, f"参数错误：{hint}")


class PlatformState:
    def __init__(self, config: dict, pay_state):
        self.config = config
        self.pay_state = pay_state
        self.lock = threading.RLock()
        self.store = pay_state.store  # the pay state's SQLite file; reset with it
        self.reset()
        self._restore()

    def _restore(self) -> None:
        with self.lock:
            for text in self.store.rows("shipping"):
                record = json.loads(text)
                for upload in record["uploads"]:
                    upload["upload_time"] = datetime.fromisoformat(upload["upload_time"])
                self.orders[record["transaction_id"]] = record
            for text in self.store.rows("platform"):
                saved = json.loads(text)
                self.trade_managed, self.jump_path = saved["trade_managed"], saved["jump_path"]
                self.reminders = saved["reminders"]
                self.classic_token = (saved["classic_token"][0], datetime.fromisoformat(saved["classic_token"][1])) \
                    if saved["classic_token"] else None
                self.stable_tokens = {token: datetime.fromisoformat(at) for token, at in saved["stable_tokens"].items()}

    def _save_record(self, record: dict) -> None:
        text = json.dumps(record, default=lambda value: value.isoformat(), ensure_ascii=False)
        self.store.save("shipping", record["transaction_id"], text)

    def _save_platform(self) -> None:
        self.store.save("platform", "platform", json.dumps({
            "trade_managed": self.trade_managed, "jump_path": self.jump_path, "reminders": self.reminders,
            "classic_token": [self.classic_token[0], self.classic_token[1].isoformat()] if self.classic_token else None,
            "stable_tokens": {token: at.isoformat() for token, at in self.stable_tokens.items()},
        }, ensure_ascii=False))

    def reset(self) -> None:
        with self.lock:
            self.classic_token: tuple[str, datetime] | None = None
            self.stable_tokens: dict[str, datetime] = {}  # token -> issued; the newest is current
            self.fetches = {"token": 0, "stable_token": 0}
            self.rejected_tokens = 0
            self.trade_managed = True
            self.jump_path: str | None = None
            self.orders: dict[str, dict] = {}  # transaction_id -> shipping record
            self.reminders: list[dict] = []

    # -- access tokens ----------------------------------------------------------------------

    def _lifetime(self) -> int:
        return int(self.config["access_token_expires_in"])

    def _alive(self, issued: datetime) -> float:
        return self._lifetime() - (utcnow() - issued).total_seconds()

    def issue_classic_token(self) -> tuple[str, int]:
        token = secrets.token_urlsafe(48)
        with self.lock:
            self.fetches["token"] += 1
            self.classic_token = (token, utcnow())  # the previous one stops working
            self._save_platform()
        return token, self._lifetime()

    def stable_token(self, force_refresh: bool) -> tuple[str, int]:
        with self.lock:
            self.fetches["stable_token"] += 1
            current = max(self.stable_tokens.items(), key=lambda item: item[1], default=None)
            if current and not force_refresh and self._alive(current[1]) > STABLE_RENEW_BEFORE_SECONDS:
                return current[0], int(self._alive(current[1]))
            if force_refresh:
                self.stable_tokens.clear()
            token = secrets.token_urlsafe(48)
            self.stable_tokens[token] = utcnow()
            self._save_platform()
            return token, self._lifetime()

    def is_valid_token(self, token: str | None) -> bool:
        with self.lock:
            issued = self.stable_tokens.get(token or "")
            if issued is None and self.classic_token and self.classic_token[0] == token:
                issued = self.classic_token[1]
            valid = issued is not None and self._alive(issued) > 0
            if not valid:
                self.rejected_tokens += 1
            return valid

    def token_stats(self) -> dict:
        with self.lock:
            return {"fetches": dict(self.fetches), "rejected": self.rejected_tokens,
                    "stable_tokens_alive": sum(1 for issued in self.stable_tokens.values() if self._alive(issued) > 0)}

    # -- order shipping ---------------------------------------------------------------------

    def _payment(self, order_key: dict):
        """The paid payment an order_key names (by transaction id, or mchid + out_trade_no)."""
        if not isinstance(order_key, dict):
            raise _param_error("order_key")
        kind = order_key.get("order_number_type")
        if kind == 1 and order_key.get("mchid") != self.config["mch_id"]:
            raise PlatformError(10060001, "支付单不存在")
        try:
            payment = self.pay_state.find_payment(out_trade_no=order_key.get("out_trade_no") if kind == 1 else None,
                                                  transaction_id=order_key.get("transaction_id") if kind == 2 else None)
        except Exception:  # the pay state's own "no such order"
            raise PlatformError(10060001, "支付单不存在") from None
        if not getattr(payment, "transaction_id", None):
            raise PlatformError(10060001, "支付单不存在")
        return payment

    def _record(self, payment) -> dict:
        return self.orders.setdefault(payment.transaction_id, {
            "transaction_id": payment.transaction_id, "out_trade_no": payment.out_trade_no,
            "openid": payment.openid, "order_state": TO_SHIP, "uploads": [], "updates_used": 0,
            "received_at": None, "confirmed_by": None, "reminders": 0,
        })

    def upload_shipping_info(self, body: dict) -> dict:
        payment = self._payment(body.get("order_key"))
        if body.get("logistics_type") not in (1, 2, 3, 4):
            raise PlatformError(268485195, "物流模式非法")
        if body.get("delivery_mode") not in (1, 2):
            raise PlatformError(268485224, "发货模式非法")
        packages = body.get("shipping_list")
        if not isinstance(packages, list) or not 1 <= len(packages) <= MAX_PACKAGES:
            raise _param_error("shipping_list 须有 1 到 15 个包裹")
        if body["delivery_mode"] == 1 and len(packages) != 1:
            raise _param_error("统一发货只能有一个物流单")
        if body["delivery_mode"] == 2 and not isinstance(body.get("is_all_delivered"), bool):
            raise PlatformError(10060007, "分拆发货必须填写 is_all_delivered")
        for package in packages:
            self._check_package(package, express=body["logistics_type"] == 1)
        upload_time = _rfc3339(body.get("upload_time"))
        if (body.get("payer") or {}).get("openid") != payment.openid:
            raise _param_error("payer.openid 与支付者不一致")
        with self.lock:
            record = self._record(payment)
            if record["order_state"] in (RECEIVED, COMPLETED, REFUNDED):
                raise PlatformError(10060004, "支付单处于不可发货的状态")
            if record["uploads"]:
                if record["updates_used"] >= 1:
                    raise PlatformError(10060003, "支付单已使用重新发货机会")
                if upload_time <= record["uploads"][-1]["upload_time"]:
                    raise PlatformError(268485216, "上传时间非法，须晚于上次上传")
                record["updates_used"] += 1
            record["uploads"].append({
                "logistics_type": body["logistics_type"], "delivery_mode": body["delivery_mode"],
                "is_all_delivered": body.get("is_all_delivered"), "shipping_list": packages,
                "upload_time": upload_time, "received_at": utcnow().isoformat()})
            if body["delivery_mode"] == 1 or body.get("is_all_delivered"):
                record["order_state"] = SHIPPED
            self._save_record(record)
            return record

    @staticmethod
    def _check_package(package, express: bool) -> None:
        if not isinstance(package, dict) or not (package.get("item_desc") or "").strip():
            raise PlatformError(10060008, "商品描述字段不能为空")
        if len(package["item_desc"]) > 120:
            raise PlatformError(10060009, "商品描述字段超长")
        if not express:
            return
        if not (package.get("tracking_no") or "").strip():
            raise _param_error("物流快递发货时物流单号必填")
        if package.get("express_company") not in CARRIER_CODES:
            raise _param_error("物流公司编码不存在，请使用 get_delivery_list 返回的 delivery_id")
        contact = package.get("contact") or {}
        if package["express_company"] == "SF" and not (contact.get("receiver_contact") or contact.get("consignor_contact")):
            raise _param_error("顺丰发货须填写收件人或寄件人联系方式")
        for phone in (contact.get("receiver_contact"), contact.get("consignor_contact")):
            if phone and "*" not in phone:
                raise _param_error("联系方式须掩码传输")

    def get_order(self, body: dict) -> dict:
        payment = self._payment(_order_key(body))
        with self.lock:
            record = dict(self._record(payment))
        last = record["uploads"][-1] if record["uploads"] else None
        return {
            "transaction_id": payment.transaction_id, "merchant_id": self.config["mch_id"], "sub_merchant_id": "",
            "merchant_trade_no": payment.out_trade_no, "description": getattr(payment, "body", ""),
            "paid_amount": getattr(payment, "total_fee", 0), "openid": payment.openid,
            "trade_create_time": _epoch(getattr(payment, "created_at", None)),
            "pay_time": _epoch(getattr(payment, "paid_at", None)), "order_state": record["order_state"],
            "in_complaint": False,
            "shipping": {
                "delivery_mode": last["delivery_mode"] if last else 1,
                "logistics_type": last["logistics_type"] if last else 1,
                "finish_shipping": record["order_state"] != TO_SHIP,
                "finish_shipping_count": len(record["uploads"]),
                "shipping_list": [dict(p, upload_time=_epoch(last["upload_time"])) for p in last["shipping_list"]]
                if last else [],
            },
        }

    def notify_confirm_receive(self, body: dict) -> None:
        payment = self._payment(_order_key(body))
        if not isinstance(body.get("received_time"), int):
            raise _param_error("received_time")
        with self.lock:
            record = self._record(payment)
            if record["order_state"] != SHIPPED:
                raise PlatformError(10060004, "支付单处于不可提醒确认收货的状态")
            record["reminders"] += 1
            self.reminders.append({"transaction_id": payment.transaction_id, "received_time": body["received_time"]})
            self._save_record(record)
            self._save_platform()

    def set_msg_jump_path(self, body: dict) -> None:
        if not (body.get("path") or "").strip():
            raise PlatformError(47001, "data format error: path 不能为空")
        with self.lock:
            self.jump_path = body["path"]
            self._save_platform()

    def set_trade_managed(self, managed: bool) -> None:
        with self.lock:
            self.trade_managed = managed
            self._save_platform()

    def is_trade_managed(self, body: dict) -> bool:
        if body.get("appid") != self.config["appid"]:
            raise PlatformError(40013, "invalid appid")
        return self.trade_managed

    def confirm_receipt(self, out_trade_no: str, automatic: bool = False) -> dict:
        """The shopper confirmed receipt in WeChat (or WeChat did, automatically): money is released."""
        payment = self._payment({"order_number_type": 1, "mchid": self.config["mch_id"], "out_trade_no": out_trade_no})
        with self.lock:
            record = self._record(payment)
            if record["order_state"] != SHIPPED:
                raise PlatformError(10060004, "支付单未发货或已确认收货")
            record["order_state"] = COMPLETED if automatic else RECEIVED
            record["received_at"] = utcnow().isoformat()
            record["confirmed_by"] = "auto" if automatic else "shopper"
            self._save_record(record)
            return _shipping_json(record)

    def shipping(self) -> list[dict]:
        """Every paid payment with its uploads and settlement state, newest payment first."""
        with self.lock:
            paid = [p for p in list(getattr(self.pay_state, "payments", {}).values()) if getattr(p, "transaction_id", None)]
            return [_shipping_json(self._record(p)) for p in paid]


def _shipping_json(record: dict) -> dict:
    state = record["order_state"]
    return {
        "transaction_id": record["transaction_id"], "out_trade_no": record["out_trade_no"],
        "openid": record["openid"], "order_state": state,
        "settlement": "released" if state in (RECEIVED, COMPLETED) else "frozen",
        "uploads": [{**u, "upload_time": u["upload_time"].isoformat()} for u in record["uploads"]],
        "tracking_nos": [p.get("tracking_no") for p in (record["uploads"][-1]["shipping_list"] if record["uploads"] else [])],
        "updates_used": record["updates_used"], "received_at": record["received_at"],
        "confirmed_by": record["confirmed_by"], "reminders": record["reminders"],
    }


def _order_key(body: dict) -> dict:
    """get_order and notify_confirm_receive name a payment by transaction_id or merchant_id + merchant_trade_no."""
    if body.get("transaction_id"):
        return {"order_number_type": 2, "transaction_id": body["transaction_id"]}
    return {"order_number_type": 1, "mchid": body.get("merchant_id"), "out_trade_no": body.get("merchant_trade_no")}


def _rfc3339(value) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise PlatformError(268485216, "上传时间非法，须为 RFC 3339 格式") from None
    if moment.tzinfo is None:
        raise PlatformError(268485216, "上传时间非法，须带时区")
    return moment


def _epoch(moment) -> int:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return int(moment.timestamp()) if moment else 0

"""WeChat's state (one process) and the rules WeChat Pay applies to it, for v2 and v3 alike.

Every method that reads or changes state holds `self.lock` and writes the changed records
through to the store (a SQLite file, see store.py), so a restart forgets nothing; the
dictionaries in memory are the working copy. Notifications are handed to the notifier after
the lock is released, so a slow receiver never blocks the API.
"""
import json
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from .clock import SHANGHAI, utcnow
from .notifier import payment_notification, refund_notification
from .store import Store, load
from .v3_resources import payment_notification_v3, refund_notification_v3

# How a refund may end, in the vocabulary of the API that created it.
REFUND_OUTCOMES = {"v2": ("SUCCESS", "CHANGE", "REFUNDCLOSE"), "v3": ("SUCCESS", "ABNORMAL", "CLOSED")}
CLOSED_REFUND_STATUSES = ("REFUNDCLOSE", "CLOSED")
ABNORMAL_REFUND_TYPES = {"USER_BANK_CARD": "用户银行卡", "MERCHANT_BANK_CARD": "商户银行账户"}


class PayError(Exception):
    """A business failure WeChat Pay reports as result_code FAIL with err_code / err_code_des."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class NotFound(LookupError):
    pass


class Conflict(Exception):
    pass


def _digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def _int_param(params: dict, name: str) -> int:
    value = params.get(name) or ""
    if not value.isdigit() or int(value) <= 0:
        raise PayError("PARAM_ERROR", f"{name}参数错误")
    return int(value)


@dataclass
class Payment:
    DATETIMES = ("time_expire", "created_at", "paid_at")

    out_trade_no: str
    openid: str
    body: str
    total_fee: int
    trade_type: str
    notify_url: str
    prepay_id: str
    attach: str | None = None
    time_expire: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    trade_state: str = "NOTPAY"
    transaction_id: str | None = None
    paid_at: datetime | None = None
    api: str = "v2"  # the API the order was placed with: its notification speaks the same

    def as_json(self) -> dict:
        data = asdict(self)
        for key in self.DATETIMES:
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass
class Refund:
    DATETIMES = ("created_at", "succeeded_at")

    out_refund_no: str
    out_trade_no: str
    transaction_id: str
    refund_id: str
    total_fee: int
    refund_fee: int
    notify_url: str | None
    reason: str | None = None
    status: str = "PROCESSING"
    created_at: datetime = field(default_factory=utcnow)
    succeeded_at: datetime | None = None
    api: str = "v2"
    # How it ends when it settles (a fault may have chosen ABNORMAL or CLOSED); None = SUCCESS.
    outcome: str | None = None
    channel: str = "ORIGINAL"
    user_received_account: str = "支付用户零钱"

    def as_json(self) -> dict:
        data = asdict(self)
        data["amount"] = self.refund_fee
        for key in self.DATETIMES:
            data[key] = data[key].isoformat() if data[key] else None
        return data


class SandboxState:
    def __init__(self, config: dict, notifier, store: Store | None = None, v3_keys=None):
        self.config = config
        self.notifier = notifier
        self.store = store or Store(None)
        self.v3_keys = v3_keys
        self.lock = threading.RLock()
        self._clear()
        self._restore()

    def _clear(self):
        self.payments: dict[str, Payment] = {}
        self.refunds: dict[str, Refund] = {}
        self.messages: list[dict] = []

    def _restore(self):
        """Everything the store remembers; refunds still PROCESSING settle after the usual delay."""
        with self.lock:
            for text in self.store.rows("payment"):
                payment = load(Payment, text)
                self.payments[payment.out_trade_no] = payment
            for text in self.store.rows("refund"):
                refund = load(Refund, text)
                self.refunds[refund.out_refund_no] = refund
            self.messages = [json.loads(text) for text in self.store.rows("message")]
            pending = [r for r in self.refunds.values() if r.status == "PROCESSING"]
        for refund in pending:
            self._schedule_settlement(refund)

    def _save_payment(self, payment: Payment):
        self.store.save("payment", payment.out_trade_no, payment)

    def _save_refund(self, refund: Refund):
        self.store.save("refund", refund.out_refund_no, refund)

    def reset(self):
        with self.lock:
            self._clear()
            self.store.clear()
        self.notifier.reset()

    # -- api.weixin.qq.com (access tokens: platform.py) ------------------------------------

    def record_message(self, message: dict) -> dict:
        with self.lock:
            entry = dict(message, msgid=int(_digits(12)), sent_at=utcnow().isoformat())
            self.messages.append(entry)
            self.store.save("message", str(entry["msgid"]), json.dumps(entry, ensure_ascii=False))
            return entry

    # -- WeChat Pay ------------------------------------------------------------------------

    def unified_order(self, params: dict, api: str = "v2") -> Payment:
        """v2 parameter names; the v3 route translates its JSON into them."""
        for name in ("body", "out_trade_no", "total_fee", "notify_url", "trade_type", "spbill_create_ip"):
            if not params.get(name):
                raise PayError("LACK_PARAMS", f"缺少参数{name}")
        total_fee = _int_param(params, "total_fee")
        if params["trade_type"] == "JSAPI" and not params.get("openid"):
            raise PayError("PARAM_ERROR", "trade_type=JSAPI时（即JSAPI支付），必须传openid")
        time_expire = None
        if params.get("time_expire"):
            try:
                time_expire = datetime.strptime(params["time_expire"], "%Y%m%d%H%M%S").replace(tzinfo=SHANGHAI)
            except ValueError:
                raise PayError("PARAM_ERROR", "time_expire参数格式错误") from None
        with self.lock:
            existing = self.payments.get(params["out_trade_no"])
            if existing:
                if existing.trade_state == "SUCCESS" or existing.trade_state == "REFUND":
                    raise PayError("ORDERPAID", "该订单已支付")
                if existing.trade_state == "CLOSED":
                    raise PayError("ORDERCLOSED", "该订单已关")
                same = (existing.body, existing.total_fee, existing.openid, existing.trade_type) == (
                    params["body"], total_fee, params.get("openid") or "", params["trade_type"])
                if not same:
                    raise PayError("INVALID_REQUEST", "201 商户订单号重复")
                return existing
            payment = Payment(
                out_trade_no=params["out_trade_no"],
                openid=params.get("openid") or "",
                body=params["body"],
                total_fee=total_fee,
                trade_type=params["trade_type"],
                notify_url=params["notify_url"],
                prepay_id="wx" + utcnow().strftime("%d%H%M%S") + secrets.token_hex(13),
                attach=params.get("attach"),
                time_expire=time_expire,
                api=api,
            )
            self.payments[payment.out_trade_no] = payment
            self._save_payment(payment)
            return payment

    def find_payment(self, out_trade_no: str | None = None, transaction_id: str | None = None) -> Payment:
        with self.lock:
            if transaction_id:
                for payment in self.payments.values():
                    if payment.transaction_id == transaction_id:
                        return payment
            elif out_trade_no and out_trade_no in self.payments:
                return self.payments[out_trade_no]
        raise PayError("ORDERNOTEXIST", "订单不存在")

    def mark_paid(self, out_trade_no: str) -> Payment:
        """The shopper paid (control API). Raises NotFound / Conflict."""
        with self.lock:
            payment = self.payments.get(out_trade_no)
            if payment is None:
                raise NotFound(f"no unified order {out_trade_no!r}")
            if payment.trade_state in ("SUCCESS", "REFUND"):
                return payment
            if payment.trade_state == "CLOSED":
                raise Conflict(f"order {out_trade_no!r} is closed")
            if payment.time_expire and utcnow() > payment.time_expire:
                raise Conflict(f"order {out_trade_no!r} expired at {payment.time_expire.isoformat()}")
            payment.trade_state = "SUCCESS"
            payment.transaction_id = "4200" + _digits(24)
            payment.paid_at = utcnow()
            self._save_payment(payment)
        if payment.api == "v3":
            body = payment_notification_v3(payment, self.config, self.v3_keys)
            self.notifier.deliver("pay_notify", payment.notify_url, body, {"out_trade_no": payment.out_trade_no},
                                  api="v3")
        else:
            self.notifier.deliver("pay_notify", payment.notify_url, payment_notification(payment, self.config),
                                  {"out_trade_no": payment.out_trade_no})
        return payment

    def close_order(self, out_trade_no: str) -> Payment:
        with self.lock:
            payment = self.find_payment(out_trade_no)
            if payment.trade_state in ("SUCCESS", "REFUND"):
                raise PayError("ORDERPAID", "订单已支付，不能发起关单")
            if payment.trade_state == "CLOSED":
                raise PayError("ORDERCLOSED", "订单已关闭，无法重复关闭")
            payment.trade_state = "CLOSED"
            self._save_payment(payment)
            return payment

    def apply_refund(self, params: dict, api: str = "v2", outcome: str | None = None) -> Refund:
        """v2 parameter names; `outcome` is how the refund will end (a fault's ABNORMAL / CLOSED)."""
        out_refund_no = params.get("out_refund_no")
        if not out_refund_no:
            raise PayError("PARAM_ERROR", "缺少参数out_refund_no")
        total_fee = _int_param(params, "total_fee")
        refund_fee = _int_param(params, "refund_fee")
        with self.lock:
            payment = self.find_payment(params.get("out_trade_no"), params.get("transaction_id"))
            if payment.trade_state not in ("SUCCESS", "REFUND"):
                raise PayError("ORDERNOTEXIST", "订单不存在或未支付")
            if total_fee != payment.total_fee:
                raise PayError("INVALID_REQUEST", "订单金额与实际支付金额不一致")
            existing = self.refunds.get(out_refund_no)
            if existing:
                # WeChat: one out_refund_no is one refund, however often it is requested.
                if (existing.out_trade_no, existing.refund_fee) != (payment.out_trade_no, refund_fee):
                    raise PayError("REFUND_FEE_MISMATCH", "订单金额或退款金额与之前请求不一致，请核实后再试")
                return existing
            earlier = [r for r in self.refunds.values() if r.out_trade_no == payment.out_trade_no]
            interval = float(self.config.get("same_order_refund_interval") or 0)
            if earlier and (utcnow() - max(r.created_at for r in earlier)).total_seconds() < interval:
                raise PayError("FREQUENCY_LIMITED", f"同一笔订单多次退款的请求需相隔{interval:g}秒")
            refunded = sum(r.refund_fee for r in earlier if r.status not in CLOSED_REFUND_STATUSES)
            if refunded >= payment.total_fee:
                raise PayError("ERROR", "订单已全额退款")
            if refunded + refund_fee > payment.total_fee:
                raise PayError("INVALID_REQUEST", "refund_fee大于可退金额")
            refund = Refund(
                out_refund_no=out_refund_no,
                out_trade_no=payment.out_trade_no,
                transaction_id=payment.transaction_id,
                refund_id="50" + _digits(27),
                total_fee=payment.total_fee,
                refund_fee=refund_fee,
                notify_url=params.get("notify_url") or self.config.get("refund_notify_url"),
                reason=params.get("refund_desc"),
                api=api,
                outcome=outcome,
            )
            self.refunds[out_refund_no] = refund
            payment.trade_state = "REFUND"
            self._save_refund(refund)
            self._save_payment(payment)
        self._schedule_settlement(refund)
        return refund

    def _schedule_settlement(self, refund: Refund):
        delay = self.config.get("refund_settle_delay")
        if delay is not None:
            timer = threading.Timer(float(delay), self._settle_if_current, args=(refund,))
            timer.daemon = True
            timer.start()

    def _settle_if_current(self, refund: Refund):
        with self.lock:
            if self.refunds.get(refund.out_refund_no) is not refund:
                return  # reset since
        self.settle_refund(refund.out_refund_no)

    def settle_refund(self, out_refund_no: str, status: str | None = None) -> Refund:
        """PROCESSING -> how it ends (by default its injected outcome, else SUCCESS), then the
        refund notification. v2 refunds end SUCCESS / CHANGE / REFUNDCLOSE, v3 ones SUCCESS /
        ABNORMAL / CLOSED."""
        with self.lock:
            refund = self.refunds.get(out_refund_no)
            if refund is None:
                raise NotFound(f"no refund {out_refund_no!r}")
            status = status or refund.outcome or "SUCCESS"
            allowed = REFUND_OUTCOMES[refund.api]
            if status not in allowed:
                raise ValueError(f"a {refund.api} refund ends {', '.join(allowed)}")
            if refund.status != "PROCESSING":
                return refund
            refund.status = status
            if status == "SUCCESS":
                refund.succeeded_at = utcnow()
            self._save_refund(refund)
            payment = self.payments[refund.out_trade_no]
        if refund.notify_url:
            meta = {"out_trade_no": refund.out_trade_no, "out_refund_no": out_refund_no}
            if refund.api == "v3":
                self.notifier.deliver("refund_notify", refund.notify_url,
                                      refund_notification_v3(refund, payment, self.config, self.v3_keys), meta,
                                      api="v3")
            else:
                self.notifier.deliver("refund_notify", refund.notify_url,
                                      refund_notification(refund, payment, self.config), meta)
        return refund

    def apply_abnormal_refund(self, refund_id: str, out_refund_no: str, kind: str, account: str | None) -> Refund:
        """Re-route a v3 refund that ended ABNORMAL (e.g. the shopper's card is closed) to a bank
        card: PROCESSING again, then SUCCESS after the usual delay."""
        if kind not in ABNORMAL_REFUND_TYPES:
            raise PayError("PARAM_ERROR", "type 须为 USER_BANK_CARD 或 MERCHANT_BANK_CARD")
        with self.lock:
            refund = self.refunds.get(out_refund_no)
            if refund is None or refund.refund_id != refund_id:
                raise PayError("REFUNDNOTEXIST", "退款单不存在")
            if refund.status != "ABNORMAL":
                raise PayError("INVALID_REQUEST", "退款单状态不是退款异常，不能发起异常退款")
            refund.status = "PROCESSING"
            refund.outcome = None
            refund.channel = "OTHER_BANKCARD"
            refund.user_received_account = ABNORMAL_REFUND_TYPES[kind] + (account[-4:] if account else "")
            self._save_refund(refund)
        self._schedule_settlement(refund)
        return refund

    def find_refunds(self, params: dict) -> tuple[Payment, list[Refund]]:
        """By priority refund_id > out_refund_no > transaction_id > out_trade_no, as WeChat does."""
        with self.lock:
            if params.get("refund_id") or params.get("out_refund_no"):
                found = [r for r in self.refunds.values()
                         if r.refund_id == params.get("refund_id") or r.out_refund_no == params.get("out_refund_no")]
                if not found:
                    raise PayError("REFUNDNOTEXIST", "退款订单查询失败")
                return self.payments[found[0].out_trade_no], found[:1]
            payment = self.find_payment(params.get("out_trade_no"), params.get("transaction_id"))
            found = [r for r in self.refunds.values() if r.out_trade_no == payment.out_trade_no]
            if not found:
                raise PayError("REFUNDNOTEXIST", "退款订单查询失败")
            return payment, found

    def bill_entries(self, day: date) -> tuple[list[Payment], list[tuple[Refund, Payment]]]:
        """Payments paid and refunds requested on `day` (Beijing time)."""
        with self.lock:
            paid = [p for p in self.payments.values() if p.paid_at and p.paid_at.astimezone(SHANGHAI).date() == day]
            refunds = [(r, self.payments[r.out_trade_no]) for r in self.refunds.values()
                       if r.created_at.astimezone(SHANGHAI).date() == day]
        return paid, refunds

    def snapshot(self) -> dict:
        with self.lock:
            return {
                "payments": [p.as_json() for p in self.payments.values()],
                "refunds": [r.as_json() for r in self.refunds.values()],
                "messages": [dict(m) for m in self.messages],
            }

"""90 days of demo history for `make run`: orders placed, paid, shipped, cancelled, refunded, returned
and negotiated through the real services, with the one clock (domain/clock.py) set back to each moment.

    flask seed-history [--days 90] [--orders 2400] [--sandbox-state var/sandbox.sqlite]

WeChat is the sandbox's own state machine run in this process (`HistoryPayments`): it books each payment
and refund in the sandbox's store, so the sandbox that `make run` starts afterwards knows every payment
and refund the shop has (reconciliation and the money check find them). Reminder jobs for the past are
not queued (`_PastJobs`): a shipment uploaded, a message sent or an order closed 80 days ago is
history, not work. Runs only in a shop with no orders, so running it twice adds nothing.
"""
from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import event, func, select

from ..db import Order, OrderRequest, Refund, Shopper, ShippingUpload, Sku, Staff
from ..domain import clock
from ..domain.actors import Actor
from ..domain.errors import DomainError
from ..extensions import db

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄婷", "周杰", "吴昊", "徐丽", "孙强", "马超",
         "朱琳", "胡斌", "郭涛", "何雪", "高峰", "林静", "罗佳"]
CITIES = [("广东省", "深圳市", "南山区"), ("浙江省", "杭州市", "西湖区"), ("北京市", "北京市", "朝阳区"),
          ("上海市", "上海市", "浦东新区"), ("四川省", "成都市", "武侯区"), ("江苏省", "南京市", "鼓楼区")]
CARRIERS = [("SF", "顺丰速运"), ("ZTO", "中通快递"), ("YTO", "圆通速递"), ("JD", "京东物流")]


class _PastJobs:
    """The job queue while history is written: Redis for what reads it (rate buckets, caches), no jobs."""

    def __init__(self, jobs):
        self._jobs = jobs
        self.dropped = 0

    def __getattr__(self, name):
        return getattr(self._jobs, name)

    def enqueue(self, *args, **kwargs):
        self.dropped += 1
        return None


class _NoPacing:
    """WeChat's pace between refunds is about real seconds; history's refunds happened days apart."""

    def acquire(self, order_id, out_refund_no):
        return None

    def record_failure(self):
        return None


class _Quiet:
    def deliver(self, *args, **kwargs):
        return None

    def reset(self):
        return None


def _no_body(*args, **kwargs) -> bytes:
    return b""


class HistoryPayments:
    """The payment gateway for history: the sandbox's state machine, in process, on the sandbox's store."""

    api = "v3"

    def __init__(self, state_path: str | None):
        from wechat_sandbox import state as sandbox_state
        from wechat_sandbox.config import load_config
        from wechat_sandbox.store import Store

        self._module = sandbox_state
        settings = load_config({"state_path": state_path})
        # Days-apart refunds of one order, each settled when it is made: no real-time gaps or delays.
        settings.update(same_order_refund_interval=0, refund_settle_delay=None)
        self.state = sandbox_state.SandboxState(settings, _Quiet(), Store(state_path), None)

    @contextmanager
    def clock_of_the_shop(self):
        """While history runs the sandbox writes the shop's moments (its `utcnow` follows domain/clock) and
        builds no notifications: the shop applies each payment and refund itself, at its moment."""
        patched = {"utcnow": clock.now, "payment_notification_v3": _no_body, "refund_notification_v3": _no_body,
                   "payment_notification": _no_body, "refund_notification": _no_body}
        originals = {name: getattr(self._module, name) for name in patched}
        for name, value in patched.items():
            setattr(self._module, name, value)
        try:
            yield
        finally:
            for name, value in originals.items():
                setattr(self._module, name, value)

    def create_payment(self, *, out_trade_no, amount_fen, description, openid, notify_url, expires_at=None):
        from ..adapters.payments.gateway import PaymentCreated

        payment = self.state.unified_order({"body": description, "out_trade_no": out_trade_no,
                                            "total_fee": str(amount_fen), "notify_url": notify_url,
                                            "trade_type": "JSAPI", "spbill_create_ip": "127.0.0.1",
                                            "openid": openid}, api="v3")
        return PaymentCreated(prepay_id=payment.prepay_id, pay_params={})

    def pay_params(self, prepay_id):
        return {}

    def pay(self, out_trade_no: str):
        """The shopper pays: the sandbox books it; returns (transaction_id, amount)."""
        payment = self.state.mark_paid(out_trade_no)
        return payment.transaction_id, payment.total_fee

    def close_payment(self, out_trade_no):
        from ..adapters.payments.gateway import CloseResult

        try:
            self.state.close_order(out_trade_no)
        except self._module.PayError as exc:
            return CloseResult.ALREADY_PAID if exc.code == "ORDERPAID" else CloseResult.CLOSED
        return CloseResult.CLOSED

    def refund(self, *, out_trade_no, out_refund_no, total_fen, refund_fen, notify_url, reason=None):
        from ..adapters.payments.gateway import RefundOutcome, RefundStatus

        self.state.apply_refund({"out_trade_no": out_trade_no, "out_refund_no": out_refund_no,
                                 "total_fee": str(total_fen), "refund_fee": str(refund_fen),
                                 "refund_desc": reason or ""}, api="v3")
        settled = self.state.settle_refund(out_refund_no)
        return RefundOutcome(RefundStatus.SUCCEEDED, out_refund_no, wechat_refund_id=settled.refund_id,
                             amount_fen=settled.refund_fee, succeeded_at=settled.succeeded_at)


class History:
    def __init__(self, days: int, orders: int, seed: int, gateway: HistoryPayments):
        self.days, self.target, self.random = days, orders, random.Random(seed)
        self.gateway = gateway
        self.staff = {s.username: Actor.staff(s.id, s.name, s.role) for s in db.session.scalars(select(Staff))}
        self.skus = [(s.id, s.price_fen) for s in db.session.scalars(select(Sku).order_by(Sku.id))]
        self.shoppers: list[tuple[int, int, str]] = []
        self.counts: dict[str, int] = {}

    # -- helpers --------------------------------------------------------------------------

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def at(self, moment: datetime):
        return clock.frozen_at(moment)

    def make_shoppers(self, how_many: int) -> None:
        from ..services.addresses import save_address

        for n in range(how_many):
            name = NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else str(n // len(NAMES)))
            shopper = Shopper(openid=f"sandbox-history-{n:04d}", nickname=name,
                              created_at=clock.now() - timedelta(days=self.days + 30))
            db.session.add(shopper)
            db.session.commit()
            province, city, district = CITIES[n % len(CITIES)]
            address = save_address(shopper.id, {"receiver": name, "phone": f"139{n:08d}", "province": province,
                                                "city": city, "district": district,
                                                "detail": f"幸福路 {n % 200 + 1} 号 {n % 30 + 1}01 室"})
            self.shoppers.append((shopper.id, address.id, shopper.openid))

    def settle_refunds(self, order_id: int) -> None:
        from ..services import refunds

        for refund_id, status in db.session.execute(
                select(Refund.id, Refund.status).where(Refund.order_id == order_id)).all():
            if status == "pending" or status == "failed":
                refunds.submit_refund(refund_id, operator="history")
                self.count("refunds")
        db.session.commit()

    def try_(self, what: str, action, *args, **kwargs):
        """A step a shopper or staff member might take; the rules may refuse it (that is history too)."""
        try:
            result = action(*args, **kwargs)
        except DomainError:
            db.session.rollback()
            self.count(f"refused:{what}")
            return None
        self.count(what)
        return result

    def open_request(self, order_id: int) -> OrderRequest | None:
        return db.session.scalar(select(OrderRequest).where(OrderRequest.order_id == order_id,
                                                            OrderRequest.status == "pending"))

    # -- one order's life -----------------------------------------------------------------

    def one_order(self, placed_at: datetime, age_days: float) -> None:
        from ..services import after_sales, cancellation, ordering, reviews
        from ..services.auth import ShopperCaller

        r = self.random
        shopper_id, address_id, openid = r.choice(self.shoppers)
        caller = ShopperCaller.of(db.session.get(Shopper, shopper_id))
        items = [ordering.ItemRequest(sku_id, r.choice((1, 1, 1, 2))) for sku_id, _ in r.sample(self.skus, r.choice((1, 1, 2)))]
        with self.at(placed_at):
            placed = self.try_("placed", ordering.place_order, caller, items, address_id)
        if placed is None:
            return
        _, order = placed
        order_id = order.id
        moment = placed_at + timedelta(minutes=r.randint(1, 10))
        if r.random() < 0.07:
            with self.at(order.pay_deadline + timedelta(seconds=5)):
                self.try_("closed_unpaid", ordering.close_unpaid_order, order_id)
            return
        with self.at(moment):
            paying = ordering.request_payment(order_id, shopper_id, openid)
            transaction_id, amount = self.gateway.pay(paying["out_trade_no"])
            ordering.record_payment(paying["out_trade_no"], transaction_id, amount, paid_at=moment)
        self.count("paid")
        service, supervisor, warehouse = self.staff["service"], self.staff["supervisor"], self.staff["warehouse"]

        roll = r.random()
        if roll < 0.06:  # changed their mind within minutes: cancelled at once, refunded
            with self.at(moment + timedelta(minutes=r.randint(2, 20))):
                self.try_("cancelled_by_shopper", cancellation.cancel_by_shopper, order_id, caller,
                          r.choice(("changed_mind", "found_better", "wrong_address")))
                self.settle_refunds(order_id)
            return
        if roll < 0.08:  # the merchant ran out of stock
            with self.at(moment + timedelta(hours=r.randint(1, 20))):
                self.try_("cancelled_by_merchant", cancellation.cancel_by_staff, order_id, supervisor, "out_of_stock",
                          "仓库盘点缺货", password="demo1234")
                self.settle_refunds(order_id)
            return
        if age_days < 0.2:
            return  # paid today: waiting for the warehouse
        with self.at(moment + timedelta(hours=r.randint(1, 6))):
            self.try_("accepted", ordering.accept_order, order_id, warehouse)
        if roll < 0.12:  # asked to cancel after the warehouse accepted: a request staff decide
            with self.at(moment + timedelta(hours=r.randint(7, 12))):
                self.try_("cancel_requested", cancellation.cancel_by_shopper, order_id, caller,
                          r.choice(("changed_mind", "wrong_item")))
            request = self.open_request(order_id)
            if request is None or age_days < 1:
                return
            with self.at(moment + timedelta(hours=r.randint(13, 30))):
                if r.random() < 0.75:
                    self.try_("cancel_approved", reviews.approve, request.id, supervisor, "同意取消")
                    self.settle_refunds(order_id)
                    return
                self.try_("cancel_rejected", reviews.reject, request.id, service, "商品已打包出库，请收货后申请售后")
        if age_days < 1.2:
            return
        carrier, _ = r.choice(CARRIERS)
        shipped_at = moment + timedelta(hours=r.randint(18, 40))
        with self.at(shipped_at):
            if self.try_("shipped", ordering.ship_order, order_id, warehouse, carrier,
                         f"{carrier}{r.randint(10**11, 10**12 - 1)}") is None:
                return
        if age_days < 4:
            return
        received_at = shipped_at + timedelta(days=r.randint(2, 4))
        with self.at(received_at):
            self.try_("received", ordering.confirm_receipt, order_id, shopper_id)
        if r.random() > 0.16 or age_days < 6:
            return
        self.after_sale(order_id, shopper_id, received_at + timedelta(days=r.randint(1, 3)), age_days)

    def after_sale(self, order_id: int, shopper_id: int, applied_at: datetime, age_days: float) -> None:
        from ..services import after_sales, ordering

        r = self.random
        order = ordering.get_order(order_id)
        line = order.lines[0]
        lines = [{"line_id": line.id, "quantity": line.quantity}]
        shopper = Actor.shopper(shopper_id)
        service, supervisor, warehouse = self.staff["service"], self.staff["supervisor"], self.staff["warehouse"]
        kind = r.choice(("refund_only", "return_refund", "return_refund", "negotiated", "rejected"))
        case_type = "refund_only" if kind in ("refund_only", "negotiated", "rejected") else "return_refund"
        reason = {"refund_only": "damaged", "return_refund": r.choice(("no_reason", "wrong_size")),
                  "negotiated": "quality_issue", "rejected": "not_wanted"}[kind]
        with self.at(applied_at):
            case = self.try_(f"after_sale:{case_type}", after_sales.apply, order_id, shopper_id, case_type, reason,
                             "演示：" + after_sales_reason_text(reason), lines, [])
        if case is None:
            return
        case_id, request_id = case.id, case.request_id
        decided_at = applied_at + timedelta(hours=r.randint(2, 30))
        self.settle_refunds(order_id)  # decided at once when the rules allow it (R5)
        if age_days < 7:
            return  # still waiting for staff
        with self.at(decided_at):
            if kind == "rejected":
                self.try_("after_sale_rejected", after_sales.reject, request_id, service, "商品已使用，影响二次销售")
                return
            if kind == "negotiated":
                amount = max(100, order.total_fen // 3)
                if self.try_("proposed", after_sales.propose, case_id, supervisor, "change_amount", amount,
                             "商品有轻微瑕疵，补偿部分货款可以吗？", password="demo1234") is None:
                    return
                with self.at(decided_at + timedelta(hours=r.randint(1, 20))):
                    self.try_("proposal_accepted", after_sales.accept_proposal, case_id, shopper_id)
                    self.settle_refunds(order_id)
                return
            self.try_("after_sale_approved", after_sales.approve, request_id, supervisor, "同意", password="demo1234")
            self.settle_refunds(order_id)
        if case_type == "return_refund":
            with self.at(decided_at + timedelta(days=1)):
                carrier, _ = r.choice(CARRIERS)
                self.try_("return_shipped", after_sales.submit_return_shipment, case_id, shopper_id, carrier,
                          f"{carrier}{r.randint(10**11, 10**12 - 1)}")
            with self.at(decided_at + timedelta(days=3)):
                self.try_("return_received", after_sales.confirm_receipt, case_id, warehouse, True)
                self.settle_refunds(order_id)

    def run(self) -> str:
        from ..services.stats import rebuild_rollups

        self.make_shoppers(120)
        now = clock.now()
        start = now - timedelta(days=self.days)
        # Sales grow over the period: more orders per day towards today.
        weights = [1 + 1.5 * day / self.days for day in range(self.days)]
        per_day = [max(1, round(self.target * w / sum(weights))) for w in weights]
        with self.gateway.clock_of_the_shop():
            for day, how_many in enumerate(per_day):
                for _ in range(how_many):
                    placed = start + timedelta(days=day, seconds=self.random.randint(8 * 3600, 22 * 3600))
                    if placed >= now - timedelta(minutes=40):
                        continue
                    self.one_order(placed, (now - placed).total_seconds() / 86400)
        # What the outbox would have sent to WeChat back then is not work for today's workers.
        db.session.execute(ShippingUpload.__table__.update().where(ShippingUpload.status == "pending")
                           .values(status="uploaded"))
        db.session.commit()
        rebuild_rollups(start.date(), now.date())
        orders = db.session.scalar(select(func.count(Order.id)))
        return (f"history: {orders} orders over {self.days} days ("
                + ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()) if not k.startswith("refused"))
                + ")")


def after_sales_reason_text(reason: str) -> str:
    return {"damaged": "收到时外包装破损，商品有划痕", "no_reason": "不太喜欢，七天无理由退货",
            "wrong_size": "尺码偏小", "quality_issue": "用了两天出现质量问题", "not_wanted": "不想要了"}.get(reason, "")


def seed_history(days: int = 90, orders: int = 2400, sandbox_state: str | None = None, seed: int = 2026) -> str:
    """Only in a shop without orders: history is written once."""
    from ..services.context import deps

    if db.session.scalar(select(Order.id).limit(1)) is not None:
        return "history: the shop already has orders, nothing added"
    d = deps()
    gateway = HistoryPayments(sandbox_state)
    saved = (d.payments, d.jobs, d.refund_pacer)
    past_jobs = _PastJobs(d.jobs)
    d.payments, d.jobs, d.refund_pacer = gateway, past_jobs, _NoPacing()
    try:
        with _sqlite_without_fsync():
            return History(days, orders, seed, gateway).run()
    finally:
        d.payments, d.jobs, d.refund_pacer = saved
        clock.reset()


@contextmanager
def _sqlite_without_fsync():
    """Thousands of small commits, nobody waiting for them: SQLite need not fsync each (the file is
    made again if the machine dies meanwhile). PostgreSQL is left as it is."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        yield
        return

    def no_fsync(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    db.session.remove()
    engine.dispose()
    event.listen(engine, "connect", no_fsync)
    try:
        yield
    finally:
        db.session.remove()
        event.remove(engine, "connect", no_fsync)
        engine.dispose()

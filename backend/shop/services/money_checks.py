"""Money is provable (issue 10 item 8): for every order, paid = refunded + kept, per route (WeChat, balance)
and to the fen, against the balance ledger, the refunds table and what WeChat Pay itself says; every
shopper's balance against the ledger; stock against the stock ledger. The rules (what must equal what, and
the Chinese explanation of a difference) are domain.balance's; this gathers the numbers in a few grouped
statements, asks WeChat outside any transaction, and keeps the last report for the admin page."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from ..adapters.payments import PaymentState, RefundStatus
from ..adapters.wechat_errors import WeChatError
from ..db import BalanceEntry, Order, Payment, Refund, Shopper
from ..domain import clock
from ..domain.balance import DIFFERENCE_LABELS, OrderMoney, check_order_money, check_shopper_balance
from ..domain.refunds import RefundState
from ..extensions import db
from . import stock_reports
from .context import deps

logger = logging.getLogger("shop.money_checks")

LAST_REPORT_KEY = "shop:money-check:last"
GATEWAY_ORDER_LIMIT = 200  # WeChat is asked about at most this many orders per run (newest first)


def _sums(query, key_col) -> dict[int, int]:
    return {key: int(total or 0) for key, total in db.session.execute(query.group_by(key_col)).all()}


def _gateway_records(payments: dict[int, list[str]], refunds: dict[int, list[str]]) -> tuple[dict, dict]:
    """What WeChat says each order received and refunded (successful refunds only). Called outside transactions."""
    gateway = deps().payments
    paid, refunded = {}, {}
    for order_id in payments:
        try:
            paid[order_id] = sum(found.amount_fen or 0 for found in map(gateway.query_payment, payments[order_id])
                                 if found.state in (PaymentState.PAID, PaymentState.REFUNDED))
            outcomes = [gateway.query_refund(no) for no in refunds.get(order_id, [])]
        except WeChatError as exc:  # not asked this time: the order is still checked against our own records
            logger.warning("money check: WeChat not reachable", extra={"fields": {"order_id": order_id,
                                                                                 "code": exc.code}})
            paid.pop(order_id, None)
            continue
        if any(o.failed for o in outcomes):
            paid.pop(order_id, None)
            continue
        refunded[order_id] = sum(o.amount_fen or 0 for o in outcomes if o.status == RefundStatus.SUCCEEDED)
    return paid, refunded


def check_money(*, since: datetime | None = None, ask_gateway: bool = False, order_ids: list[int] | None = None,
                trigger: str = "staff") -> dict:
    """The conservation report. `since`: only orders placed since then (None: all); `ask_gateway`: compare with
    WeChat Pay's records too (for the newest GATEWAY_ORDER_LIMIT orders among them)."""
    orders_q = select(Order.id)
    if since is not None:
        orders_q = orders_q.where(Order.created_at >= since)
    if order_ids is not None:
        orders_q = orders_q.where(Order.id.in_(order_ids))
    scope = orders_q.scalar_subquery()
    orders = db.session.execute(
        select(Order.id, Order.order_no, Order.paid_fen, Order.refunded_fen, Order.balance_paid_fen,
               Order.wechat_paid_fen).where(Order.id.in_(scope)).order_by(Order.id.desc())).all()
    payments_paid = _sums(select(Payment.order_id, func.sum(Payment.amount_fen))
                          .where(Payment.order_id.in_(scope), Payment.status == "paid"), Payment.order_id)
    active = Refund.replaced_by_id.is_(None)
    succeeded = Refund.status == RefundState.SUCCEEDED.value
    refund_rows = db.session.execute(
        select(Refund.order_id,
               func.sum(case((active, Refund.amount_fen), else_=0)),
               func.sum(case(((Refund.method == "wechat") & succeeded & active, Refund.amount_fen), else_=0)),
               func.sum(case(((Refund.method == "balance") & succeeded, Refund.amount_fen), else_=0)))
        .where(Refund.order_id.in_(scope)).group_by(Refund.order_id)).all()
    refunds = {oid: (int(b or 0), int(w or 0), int(bal or 0)) for oid, b, w, bal in refund_rows}
    ledger_pay = _sums(select(BalanceEntry.order_id, func.sum(BalanceEntry.delta_fen))
                       .where(BalanceEntry.order_id.in_(scope), BalanceEntry.kind.in_(["pay_out", "pay_refund"])),
                       BalanceEntry.order_id)
    ledger_refund_in = _sums(select(BalanceEntry.order_id, func.sum(BalanceEntry.delta_fen))
                             .where(BalanceEntry.order_id.in_(scope), BalanceEntry.kind == "refund_in"),
                             BalanceEntry.order_id)
    gateway_paid = gateway_refunded = {}
    asked: set[int] = set()
    if ask_gateway:
        newest = [row.id for row in orders[:GATEWAY_ORDER_LIMIT]]
        trade_nos: dict[int, list[str]] = {oid: [] for oid in newest}
        for oid, no in db.session.execute(select(Payment.order_id, Payment.out_trade_no).where(
                Payment.order_id.in_(newest), Payment.status == "paid")).all():
            trade_nos[oid].append(no)
        refund_nos: dict[int, list[str]] = {oid: [] for oid in newest}
        for oid, no in db.session.execute(select(Refund.order_id, Refund.out_refund_no).where(
                Refund.order_id.in_(newest), Refund.method == "wechat",
                Refund.status.notin_([RefundState.PENDING.value]))).all():
            refund_nos[oid].append(no)
        db.session.commit()  # end the read: WeChat is never called inside a transaction
        gateway_paid, gateway_refunded = _gateway_records(trade_nos, refund_nos)
        asked = set(gateway_paid) & set(gateway_refunded)
    differences, totals = [], dict.fromkeys(
        ("paid_fen", "refunded_fen", "kept_fen", "wechat_paid_fen", "balance_paid_fen", "wechat_refunded_fen",
         "balance_refunded_fen"), 0)
    for row in orders:
        booked, wechat_settled, balance_back = refunds.get(row.id, (0, 0, 0))
        checked = check_order_money(OrderMoney(
            order_id=row.id, order_no=row.order_no, paid_fen=row.paid_fen, refunded_fen=row.refunded_fen,
            balance_paid_fen=row.balance_paid_fen, wechat_paid_fen=row.wechat_paid_fen,
            payments_paid_fen=payments_paid.get(row.id, 0),
            gateway_paid_fen=gateway_paid.get(row.id) if row.id in asked else None,
            ledger_order_fen=ledger_pay.get(row.id, 0), refunds_booked_fen=booked,
            wechat_refunds_settled_fen=wechat_settled, balance_refunds_fen=balance_back,
            ledger_refund_in_fen=ledger_refund_in.get(row.id, 0),
            gateway_refunded_fen=gateway_refunded.get(row.id) if row.id in asked else None))
        if row.paid_fen:
            totals["paid_fen"] += row.paid_fen
            totals["refunded_fen"] += row.refunded_fen
            totals["kept_fen"] += checked.kept_fen
            totals["wechat_paid_fen"] += row.wechat_paid_fen
            totals["balance_paid_fen"] += row.balance_paid_fen
        totals["wechat_refunded_fen"] += wechat_settled
        totals["balance_refunded_fen"] += balance_back
        differences += [{"scope": "order", "order_id": row.id, "order_no": row.order_no, "kind": d.kind,
                         "label": DIFFERENCE_LABELS[d.kind], "expected_fen": d.expected_fen,
                         "actual_fen": d.actual_fen, "explanation": d.explanation} for d in checked.differences]
    differences += _balance_differences() + _stock_differences()
    report = {"checked_at": clock.now().isoformat(), "trigger": trigger, "orders_checked": len(orders),
              "gateway_checked": len(asked), "difference_count": len(differences), "ok": not differences,
              "totals": totals, "differences": differences}
    db.session.commit()
    _keep(report)
    if differences:
        logger.warning("money does not add up", extra={"fields": {"differences": len(differences),
                                                                  "kinds": sorted({d["kind"] for d in differences})}})
    return report


def _balance_differences() -> list[dict]:
    ledger = (select(BalanceEntry.shopper_id, func.sum(BalanceEntry.delta_fen).label("total"))
              .group_by(BalanceEntry.shopper_id).subquery())
    rows = db.session.execute(
        select(Shopper.id, Shopper.nickname, Shopper.balance_fen, func.coalesce(ledger.c.total, 0))
        .outerjoin(ledger, ledger.c.shopper_id == Shopper.id)
        .where(Shopper.balance_fen != func.coalesce(ledger.c.total, 0))).all()
    found = []
    for shopper_id, nickname, balance_fen, total in rows:
        d = check_shopper_balance(balance_fen, int(total))
        found.append({"scope": "shopper", "shopper_id": shopper_id, "nickname": nickname, "kind": d.kind,
                      "label": DIFFERENCE_LABELS[d.kind], "expected_fen": d.expected_fen, "actual_fen": d.actual_fen,
                      "explanation": d.explanation})
    return found


def _stock_differences() -> list[dict]:
    return [{"scope": "sku", "sku_id": d["sku_id"], "kind": "stock", "label": DIFFERENCE_LABELS["stock"],
             "expected_fen": d["ledger_sum"], "actual_fen": d["stock"],
             "explanation": f"{d['product_name']} {d['sku_name']}：库存 {d['stock']} 件，库存流水合计 {d['ledger_sum']} 件"}
            for d in stock_reports.reconcile_stock()]


def _keep(report: dict) -> None:
    try:
        deps().jobs.connection.set(LAST_REPORT_KEY, json.dumps(report, ensure_ascii=False))
    except Exception:  # the report was returned; keeping it for the page is a convenience
        logger.warning("could not keep the money check report", exc_info=True)


def last_report() -> dict | None:
    try:
        raw = deps().jobs.connection.get(LAST_REPORT_KEY)
    except Exception:
        return None
    return json.loads(raw) if raw else None


def daily_check(trigger: str = "job") -> dict:
    """Every order of the last 35 days (WeChat asked about the newest), every balance, all stock."""
    return check_money(since=clock.now() - timedelta(days=35), ask_gateway=True, trigger=trigger)

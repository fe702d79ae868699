"""The refund engine (R1, R4): rows committed first, WeChat called after, retries never pay twice.

Safety comes from three things: `out_refund_no` never changes (WeChat treats a repeat as the same
refund), an atomic claim on the row before each attempt (two workers never submit at once), and
the order's `refunded_fen <= paid_fen` check, done atomically when a refund is created and backed
by a CHECK constraint.
"""
from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, inspect, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..adapters.payments import NOT_SUPPORTED_CODE, RefundOutcome, RefundStatus
from ..adapters.wechat_errors import WeChatError
from ..db import Coupon, Order, Refund, RefundAttempt, ShopperCoupon
from ..domain import clock
from ..domain.actors import Actor
from ..domain.balance import original_route_parts
from ..domain.errors import DomainError, ErrorCode
from ..domain.refund_pacing import RATE_LIMITED_PAUSE, is_rate_limited, next_query_at
from ..domain.refunds import (ABNORMAL_ROUTES, SUBMITTABLE_STATES, RefundAction, RefundState, after_failed_attempt,
                              order_refund_status, refund_actions)
from ..extensions import db
from ..logging import log
from . import invoices
from . import balance, events, notifications
from .context import deps
from .uow import transaction

logger = logging.getLogger("shop.refunds")

CLAIM_LEASE_SECONDS = 60   # defaults; REFUND_CLAIM_LEASE_SECONDS / REFUND_QUERY_AFTER_SECONDS override
QUERY_AFTER_SECONDS = 60
METHODS = ("wechat", "balance")
EARLY_RETRY_TOLERANCE_SECONDS = 2
# WeChat's final word other than success, as our ledger keeps it (W2).
WECHAT_OUTCOMES = {RefundStatus.CLOSED: RefundState.CLOSED, RefundStatus.WECHAT_ABNORMAL: RefundState.WECHAT_ABNORMAL}
# A settled refund ignores later outcomes (a duplicate notification, a late query).
SETTLED_STATES = {RefundState.SUCCEEDED, RefundState.ABNORMAL, *WECHAT_OUTCOMES.values()}


def _claim_lease() -> timedelta:
    """How long a claimed refund is left alone before the sweeper assumes its worker died."""
    return timedelta(seconds=current_app.config.get("REFUND_CLAIM_LEASE_SECONDS", CLAIM_LEASE_SECONDS))


def _query_after() -> timedelta:
    return timedelta(seconds=current_app.config.get("REFUND_QUERY_AFTER_SECONDS", QUERY_AFTER_SECONDS))


class RefundAttemptFailed(Exception):
    """Raised by the submit job so RQ's Retry schedules the next attempt."""


def new_out_refund_no(order_no: str) -> str:
    """The order's number and eight random digits (29 characters: the column holds 32, WeChat takes 64). Refunds of
    one order are numbered apart, and a number drawn twice would refuse the second refund: with four digits, two
    refunds of an order collided once in 10,000; with eight, once in 100 million."""
    return f"R{order_no}{secrets.randbelow(10**8):08d}"


@dataclass(frozen=True)
class OrderMoney:
    """The order's money columns and its refunds (not replaced: status, amount, method), read with the order
    row locked (FOR NO KEY UPDATE on PostgreSQL), as committed now."""
    version: int
    paid_fen: int
    refunded_fen: int
    balance_paid_fen: int
    wechat_paid_fen: int
    refund_status: str
    refunds: tuple[tuple[str, int, str], ...]


def lock_order_money(order: Order, *, claim: bool = False) -> OrderMoney:
    """Lock the order row, then read its money and refunds, fresh. FOR NO KEY UPDATE: rows that reference the
    order (its events, refunds) hold KEY SHARE locks on it, which a plain FOR UPDATE would deadlock against. The
    read is a statement of its own after the lock: one that waited for the lock would still see the refunds as
    they were before it waited (PostgreSQL re-reads only the locked row), and two refunds settling together
    would each read the other as still open.

    `claim`: the caller read the order earlier in this transaction and acts on what it read (a cancel); the
    order must not have changed since (its version), else CONFLICT: of two concurrent cancels, the second
    waits for the lock, then fails here, before any side effect. SQLite has no row locks to take: there
    the claim is the order's versioned UPDATE when it is written (a concurrent change fails it with CONFLICT,
    as an unpaid cancel's does), and the order as the caller loaded it with its refunds is what is read."""
    state = inspect(order)
    if claim and db.engine.dialect.name != "postgresql" and state.unloaded.isdisjoint({"refunds", "version"}):
        return OrderMoney(order.version, order.paid_fen, order.refunded_fen, order.balance_paid_fen,
                          order.wechat_paid_fen, order.refund_status,
                          tuple((r.status, r.amount_fen, r.method) for r in order.refunds if r.replaced_by_id is None))
    version = db.session.scalar(select(Order.version).where(Order.id == order.id).with_for_update(key_share=True))
    if version is None:
        raise DomainError(ErrorCode.ORDER_NOT_FOUND)
    if claim and version != order.version:
        raise DomainError(ErrorCode.CONFLICT)
    rows = db.session.execute(
        select(Order.version, Order.paid_fen, Order.refunded_fen, Order.balance_paid_fen, Order.wechat_paid_fen,
               Order.refund_status, Refund.status, Refund.amount_fen, Refund.method)
        .outerjoin(Refund, and_(Refund.order_id == Order.id, Refund.replaced_by_id.is_(None)))
        .where(Order.id == order.id)).all()
    money = OrderMoney(*rows[0][:6], refunds=tuple((status, amount, method) for *_, status, amount, method in rows
                                                   if status is not None))
    for key in ("version", "paid_fen", "refunded_fen", "balance_paid_fen", "wechat_paid_fen", "refund_status"):
        if key not in state.committed_state:  # a change of this transaction not flushed yet stays
            set_committed_value(order, key, getattr(money, key))
    return money


def _refund_status_with(money: OrderMoney, new_parts: list[tuple[str, int, str]]) -> str:
    """The order's refund_status once `new_parts` (status, amount, method) are added to its refunds."""
    everything = [*money.refunds, *new_parts]
    succeeded = sum(fen for status, fen, _ in everything if status == RefundState.SUCCEEDED.value)
    return order_refund_status([status for status, _, _ in everything], succeeded, money.paid_fen).value


def create_refund(order: Order, amount_fen: int, *, source: str, reason: str, actor: Actor, tx,
                  method: str = "wechat", source_id: int | None = None, lines: list | None = None,
                  shipping_fen: int = 0, locked: OrderMoney | None = None) -> Refund:
    """Add a refund in the caller's transaction; the job that pays it is queued after commit.

    The amount is checked against what the order has left to refund with the order row locked and read
    fresh (`locked`: the caller already did, see lock_order_money), and the order's refunded_fen and
    refund_status are written by one versioned UPDATE: two refunds of one order never both pass the check.

    R9: an original-route ("wechat") refund of an order the balance paid in part goes back the way the money
    came (domain.balance.split_refund): a WeChat row for what WeChat still holds, a balance row for the rest,
    each paid by its own route. The first row (WeChat when there is one) is returned and carries the lines."""
    if amount_fen <= 0:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "退款金额必须大于 0")
    if method not in METHODS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "不支持的退款方式", {"method": method})
    money = locked or lock_order_money(order)
    if money.refunded_fen + amount_fen > money.paid_fen:
        raise DomainError(ErrorCode.REFUND_EXCEEDS_PAID)
    if method == "wechat":  # the confirmation of a request's approval names the same parts (reviews.request_json)
        parts = original_route_parts(amount_fen, money.balance_paid_fen, money.wechat_paid_fen,
                                     sum(fen for _, fen, m in money.refunds if m == "wechat"))
    else:
        parts = [(method, amount_fen)]
    # A balance part is paid at once (_pay_to_balance); a WeChat part waits for its job.
    order.refunded_fen = money.refunded_fen + amount_fen
    order.refund_status = _refund_status_with(money, [
        (RefundState.SUCCEEDED.value if m == "balance" else RefundState.PENDING.value, fen, m) for m, fen in parts])
    created = [_add_refund(order, Refund(amount_fen=fen, shipping_fen=shipping_fen if i == 0 else 0, method=m,
                                         source=source, source_id=source_id, reason=reason,
                                         lines=(lines or []) if i == 0 else []), actor, tx)
               for i, (m, fen) in enumerate(parts)]
    created[0].parts = created  # what the shopper is told covers every part (notifications.remedy_of)
    invoices.note_refund(order)  # an issued invoice no longer matches what was kept: 冲红/重开 for finance
    shopper_id = order.shopper_id
    tx.after_commit(lambda: enqueue_risk_evaluation(shopper_id))
    return created[0]


def _add_refund(order: Order, refund: Refund, actor: Actor, tx) -> Refund:
    """Book a refund whose amount the order already holds for it: balance paid at once, WeChat queued."""
    refund.order_id, refund.out_refund_no = order.id, new_out_refund_no(order.order_no)
    refund.created_by, refund.created_at = actor.name or actor.kind, clock.now()
    db.session.add(refund)
    db.session.flush()  # also writes the order's new refunded_fen and refund_status (versioned)
    if "refunds" not in inspect(order).unloaded:  # the order's page is in memory: it shows the new refund too
        set_committed_value(order, "refunds", [*order.refunds, refund])
    events.record(order, "refund_created", actor, reason=refund.reason,
                  data={"amount_fen": refund.amount_fen, "refund_id": refund.id, "method": refund.method})
    if refund.method == "balance":
        _pay_to_balance(order, refund)
    refund_id = refund.id
    if refund.method == "wechat":
        tx.after_commit(lambda: enqueue_submit(refund_id))
    return refund


def enqueue_risk_evaluation(shopper_id: int) -> None:
    """K1: re-evaluate the shopper once the refund is committed (one job per shopper per minute)."""
    bucket = int(clock.now().timestamp()) // 60
    deps().jobs.enqueue("shop.jobs.operations_tasks.evaluate_risk", shopper_id,
                        job_id=f"risk-{shopper_id}-{bucket}")


def _pay_to_balance(order: Order, refund: Refund) -> None:
    """A balance refund is paid at once, through the ledger: once per refund row, whatever retries."""
    balance.change_balance(order.shopper_id, refund.amount_fen, kind="refund_in", key=f"refund-{refund.id}",
                           order_id=order.id, refund_id=refund.id, note=refund.reason or "")
    refund.status, refund.succeeded_at = RefundState.SUCCEEDED.value, clock.now()
    events.record(order, "refund_succeeded", Actor.system(), data={"amount_fen": refund.amount_fen,
                                                                  "refund_id": refund.id, "method": "balance"})


def enqueue_submit(refund_id: int, attempt_key: str = "0", *, at: datetime | None = None,
                   attempts_used: int = 0) -> None:
    """Queue the job that submits the refund; its RQ retries are what is left of the refund's attempt budget."""
    from rq import Retry

    intervals = deps().refund_retry_intervals[attempts_used:]
    deps().jobs.enqueue("shop.jobs.tasks.submit_refund", refund_id, job_id=f"refund-{refund_id}-{attempt_key}",
                        retry=Retry(max=len(intervals), interval=intervals) if intervals else None, at=at,
                        timeout=60)


def _resubmit_later(refund_id: int, at: datetime, attempts_used: int) -> None:
    # One job per refund and second: two chains waiting for the same moment become one.
    enqueue_submit(refund_id, f"at{int(at.timestamp())}", at=at, attempts_used=attempts_used)


def refresh_order_refund_status(order: Order) -> None:
    """Recompute the order's refund_status from its refunds. The order row is locked, then read again with its
    refunds (lock_order_money; SQLite serialises writers anyway): two refunds of one order settling at the same
    moment then read each other's outcome, instead of both reading the other one as still open and leaving the
    status stale."""
    db.session.flush()
    money = lock_order_money(order)
    order.refund_status = _refund_status_with(money, [])


def _claim(refund_id: int) -> Refund | None:
    """Take the right to submit this refund now; None if it is not due or someone else has it."""
    now = clock.now()
    with transaction():
        claimed = db.session.execute(
            update(Refund).where(
                Refund.id == refund_id,
                Refund.status.in_([s.value for s in SUBMITTABLE_STATES]),
                or_(Refund.next_attempt_at.is_(None), Refund.next_attempt_at <= now),
            ).values(attempts=Refund.attempts + 1, next_attempt_at=now + _claim_lease(),
                     version=Refund.version + 1)
            .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return None
    return db.session.get(Refund, refund_id, populate_existing=True)


def _claim_when_due(refund_id: int) -> tuple[Refund | None, str]:
    """Claim the refund, waiting out a pause that ends within EARLY_RETRY_TOLERANCE_SECONDS: RQ schedules
    retries to the whole second, so a retry may start a moment before the pause we recorded ends. The claim's
    clock is read before its UPDATE runs, so a pause may also end between a claim that found it running and
    the read that follows: that refund is due now and is claimed again (r3: that job used to end, and with it
    the refund's retries). (None, state) when the refund is not this job's to submit, logged with why."""
    for _ in range(3):
        refund = _claim(refund_id)
        if refund is not None:
            return refund, refund.status
        current = db.session.get(Refund, refund_id, populate_existing=True)
        state, due = (current.status, current.next_attempt_at) if current else ("missing", None)
        db.session.commit()
        if state not in {s.value for s in SUBMITTABLE_STATES}:
            _log_job_ends(refund_id, "not_submittable", state, due)
            return None, state
        wait = (due - clock.now()).total_seconds() if due else 0
        if wait > EARLY_RETRY_TOLERANCE_SECONDS:  # another job holds its claim, or this one came far too early
            _log_job_ends(refund_id, "not_due", state, due)
            return None, state
        if wait > 0:
            time.sleep(wait + 0.05)
    _log_job_ends(refund_id, "claim_lost", state, due)  # three rounds lost to other jobs' claims
    return None, state


def _log_job_ends(refund_id: int, reason: str, state: str, due: datetime | None, **fields) -> None:
    """One line for each way a submit job ends without calling WeChat."""
    log(logger, logging.INFO, "refund job ends without an attempt", refund_id=refund_id, reason=reason, state=state,
        due=due.isoformat() if due else None, **fields)


def submit_refund(refund_id: int, operator: str = "worker") -> str:
    """Send one refund to WeChat. Returns the refund's state afterwards.

    Raises RefundAttemptFailed on a retryable failure so the job's Retry pauses and tries again.
    """
    waiting = _wait_for_turn(refund_id)
    if waiting is not None:
        return waiting
    refund, state = _claim_when_due(refund_id)
    if refund is None:
        return state
    order = db.session.get(Order, refund.order_id)
    payment = next((p for p in order.payments if p.status == "paid"), None)
    args = dict(out_trade_no=payment.out_trade_no if payment else order.order_no, out_refund_no=refund.out_refund_no,
                total_fen=payment.amount_fen if payment else order.paid_fen, refund_fen=refund.amount_fen,
                notify_url=deps().refund_notify_url, reason=refund.reason or None)
    attempt_no = refund.attempts
    db.session.commit()  # end the read transaction: WeChat is never called inside one
    outcome = deps().payments.refund(**args)
    if outcome.failed:
        deps().refund_pacer.record_failure()
        if is_rate_limited(outcome.code):
            return _record_rate_limited(refund_id, attempt_no, outcome, operator).value
        state = _record_failure(refund_id, attempt_no, outcome, operator)
        if state == RefundState.FAILED:
            raise RefundAttemptFailed(f"refund {refund_id} attempt {attempt_no}: {outcome.code}")
        return state.value
    return _record_accepted(refund_id, attempt_no, outcome, operator).value


def _wait_for_turn(refund_id: int) -> str | None:
    """W3: a refund goes to WeChat only with a token from the cluster-wide bucket and once its order's gap
    since the previous refund is over. Without them the job is put back for when the wait ends (a worker
    never sleeps on the bucket). Returns the refund's state when the job was put back, else None."""
    refund = db.session.get(Refund, refund_id, populate_existing=True)
    due = refund is not None and refund.status in {s.value for s in SUBMITTABLE_STATES} and (
        refund.next_attempt_at is None
        or refund.next_attempt_at <= clock.now() + timedelta(seconds=EARLY_RETRY_TOLERANCE_SECONDS))
    if due:
        order_id, out_refund_no = refund.order_id, refund.out_refund_no
        status, attempts, next_attempt_at = refund.status, refund.attempts, refund.next_attempt_at
    db.session.commit()  # a read-then-write transaction would make SQLite writers refuse each other
    if not due:
        return None  # the claim decides: someone else has it, or it is not time yet
    come_back = deps().refund_pacer.acquire(order_id, out_refund_no)
    if come_back is None:
        return None
    _resubmit_later(refund_id, come_back, attempts)
    _log_job_ends(refund_id, "paced", status, next_attempt_at, come_back=come_back.isoformat())
    return status


def _record_rate_limited(refund_id: int, attempt_no: int, exc: RefundOutcome, operator: str) -> RefundState:
    """W3: WeChat answered FREQUENCY_LIMITED. The attempt is logged but given back to the refund's budget,
    and the same refund goes out again after a pause."""
    with transaction():
        refund = db.session.get(Refund, refund_id, populate_existing=True)
        db.session.add(RefundAttempt(refund_id=refund.id, number=attempt_no, outcome="rate_limited",
                                     error_code=exc.code, error_message=(exc.message or "")[:255],
                                     operator=operator, created_at=clock.now()))
        state = RefundState(refund.status)
        if state in SUBMITTABLE_STATES:
            refund.attempts = attempt_no - 1
            refund.next_attempt_at = clock.now() + RATE_LIMITED_PAUSE
        attempts, at = refund.attempts, refund.next_attempt_at
    if state in SUBMITTABLE_STATES:
        _resubmit_later(refund_id, at, attempts)
    return state


def _record_failure(refund_id: int, attempt_no: int, exc: RefundOutcome, operator: str) -> RefundState:
    with transaction():
        refund = db.session.get(Refund, refund_id, populate_existing=True)
        if refund.status in (RefundState.PROCESSING.value, RefundState.SUCCEEDED.value):
            # The request got through after all (a lost reply) and WeChat told us meanwhile:
            # keep the better-informed state, only log the attempt.
            db.session.add(RefundAttempt(refund_id=refund.id, number=attempt_no, outcome="failed",
                                         error_code=exc.code, error_message=(exc.message or "")[:255],
                                         operator=operator, created_at=clock.now()))
            return RefundState(refund.status)
        state, pause = after_failed_attempt(attempt_no, exc.retryable, deps().refund_retry_intervals)
        refund.status = state.value
        refund.last_error_code, refund.last_error_message = exc.code, (exc.message or "")[:255]
        refund.next_attempt_at = clock.now() + pause if pause else None
        db.session.add(RefundAttempt(refund_id=refund.id, number=attempt_no, outcome="failed", error_code=exc.code,
                                     error_message=(exc.message or "")[:255], operator=operator,
                                     created_at=clock.now()))
        order = db.session.get(Order, refund.order_id)
        kind = "refund_abnormal" if state == RefundState.ABNORMAL else "refund_failed"
        events.record(order, kind, Actor.system(), reason=exc.code,
                      data={"refund_id": refund.id, "attempt": attempt_no, "error_code": exc.code})
        refresh_order_refund_status(order)
    logger.warning("refund attempt failed", extra={"fields": {"refund_id": refund_id, "attempt": attempt_no,
                                                              "code": exc.code, "state": state.value}})
    if state == RefundState.ABNORMAL:
        notifications.refund_result(refund_id, False)
    return state


def _record_accepted(refund_id: int, attempt_no: int, outcome: RefundOutcome, operator: str) -> RefundState:
    try:
        return _record_accepted_once(refund_id, attempt_no, outcome, operator)
    except DomainError as exc:
        if exc.code != ErrorCode.CONFLICT:
            raise
        # WeChat's notification settled the refund while WeChat's reply to the submission was on its way here:
        # read it again; it now knows more than the reply (the attempt is still logged).
        return _record_accepted_once(refund_id, attempt_no, outcome, operator)


def _record_accepted_once(refund_id: int, attempt_no: int, outcome: RefundOutcome, operator: str) -> RefundState:
    with transaction():
        refund = db.session.get(Refund, refund_id, populate_existing=True)
        db.session.add(RefundAttempt(refund_id=refund.id, number=attempt_no, outcome="accepted",
                                     operator=operator, created_at=clock.now()))
        if refund.status in (RefundState.SUCCEEDED.value, RefundState.PROCESSING.value):
            return RefundState(refund.status)  # the notification got here first
        refund.status = RefundState.PROCESSING.value
        refund.wechat_refund_id = outcome.wechat_refund_id
        refund.submitted_at = clock.now()
        refund.last_error_code = refund.last_error_message = None
        refund.next_attempt_at = clock.now() + _query_after()
        refresh_order_refund_status(db.session.get(Order, refund.order_id))
    if outcome.settled:  # v3 may answer the submission with the outcome itself
        return RefundState(settle_refund(outcome).status)
    return RefundState.PROCESSING


def settle_refund(outcome: RefundOutcome) -> Refund | None:
    """Apply WeChat's final word on a refund (reply, notification or query). Idempotent.

    SUCCEEDED pays it; CLOSED and WECHAT_ABNORMAL are WeChat's own outcomes, kept apart from our
    `abnormal` (retries used up) as `closed` and `wechat_abnormal` for finance to resolve (W2)."""
    if not outcome.settled:
        return None
    succeeded = outcome.status == RefundStatus.SUCCEEDED
    status = outcome.status.name
    with transaction():
        refund = db.session.scalar(select(Refund).where(Refund.out_refund_no == outcome.out_refund_no))
        if refund is None:
            return None
        if RefundState(refund.status) in SETTLED_STATES:
            return refund
        order = db.session.get(Order, refund.order_id)
        if succeeded:
            refund.status, refund.succeeded_at = RefundState.SUCCEEDED.value, clock.now()
            refund.wechat_refund_id = outcome.wechat_refund_id or refund.wechat_refund_id
            refund.next_attempt_at = None
            events.record(order, "refund_succeeded", Actor.wechat(),
                          data={"amount_fen": refund.amount_fen, "refund_id": refund.id})
        else:
            refund.status, refund.last_error_code = WECHAT_OUTCOMES[outcome.status].value, status
            refund.next_attempt_at = None
            events.record(order, f"refund_{refund.status}", Actor.wechat(), reason=status,
                          data={"refund_id": refund.id})
        refresh_order_refund_status(order)
        refund_id = refund.id
    notifications.refund_result(refund_id, succeeded)
    return refund




def query_refund(refund_id: int) -> str:
    """Ask WeChat how a processing refund is doing (the safety net when a notification is lost)."""
    refund = db.session.get(Refund, refund_id, populate_existing=True)
    if refund is None or refund.status != RefundState.PROCESSING.value:
        return refund.status if refund else "missing"
    out_refund_no, submitted_at = refund.out_refund_no, refund.submitted_at or clock.now()
    db.session.commit()
    result = deps().payments.query_refund(out_refund_no)
    if result.failed:
        raise WeChatError(result.code, result.message, result.retryable)  # the sweeper asks again later
    if result.status == RefundStatus.NOT_FOUND:
        # WeChat never booked it: submitting again with the same out_refund_no is safe.
        with transaction():
            db.session.execute(update(Refund).where(Refund.id == refund_id, Refund.status == "processing")
                               .values(status=RefundState.PENDING.value, next_attempt_at=None))
        enqueue_submit(refund_id, f"requery{refund.attempts}")
        return RefundState.PENDING.value
    settled = settle_refund(result)
    if settled is None:
        with transaction():
            db.session.execute(update(Refund).where(Refund.id == refund_id, Refund.status == "processing")
                               .values(next_attempt_at=next_query_at(submitted_at, clock.now(), _query_after())))
    return db.session.get(Refund, refund_id, populate_existing=True).status


def retry_abnormal_refund(refund_id: int, actor: Actor) -> Refund:
    """Finance retries a refund that ran out of automatic attempts; same out_refund_no."""
    with transaction() as tx:
        refund = db.session.get(Refund, refund_id)
        if refund is None:
            raise DomainError(ErrorCode.REFUND_NOT_FOUND)
        if refund.status not in (RefundState.ABNORMAL.value, RefundState.FAILED.value):
            raise DomainError(ErrorCode.REFUND_NOT_RETRYABLE)
        refund.status, refund.next_attempt_at = RefundState.PENDING.value, None
        order = db.session.get(Order, refund.order_id)
        events.record(order, "refund_retried", actor, data={"refund_id": refund.id})
        refresh_order_refund_status(order)
        attempts = refund.attempts
        tx.after_commit(lambda: enqueue_submit(refund_id, f"manual{attempts}"))
    return refund


def _refund_for_action(refund_id: int, action: RefundAction) -> tuple[Refund, Order]:
    """The refund (row locked) and its order, if finance may take `action` on it now (W2)."""
    refund = db.session.get(Refund, refund_id, with_for_update=True, populate_existing=True)
    if refund is None:
        raise DomainError(ErrorCode.REFUND_NOT_FOUND)
    if action not in refund_actions(refund.status, refund.method, refund.replaced_by_id is not None,
                                    may_retry=False, may_resolve=True):
        raise DomainError(ErrorCode.REFUND_ACTION_NOT_ALLOWED, details={"status": refund.status})
    return refund, db.session.get(Order, refund.order_id)


def replace_refund(refund_id: int, actor: Actor, action: RefundAction) -> Refund:
    """W2: finance settles a refund WeChat closed (or could not pay out) with a new one: re-issued through
    WeChat with a new out_refund_no (REISSUE), or to the shopper's store balance (REFUND_TO_BALANCE). The
    old row stays as history; the amount the order holds for it moves to the new row."""
    with transaction() as tx:
        old, order = _refund_for_action(refund_id, action)
        method = "balance" if action == RefundAction.REFUND_TO_BALANCE else "wechat"
        new = _add_refund(order, Refund(amount_fen=old.amount_fen, shipping_fen=old.shipping_fen, method=method,
                                        source=old.source, source_id=old.source_id, reason=old.reason,
                                        lines=old.lines), actor, tx)
        old.replaced_by_id = new.id
        events.record(order, "refund_replaced", actor, reason=action.label,
                      data={"refund_id": old.id, "replaced_by": new.id, "method": method})
        refresh_order_refund_status(order)
    return new


def reroute_abnormal_refund(refund_id: int, actor: Actor, action: RefundAction, bank: dict | None = None) -> Refund:
    """W2: finance re-routes a refund WeChat could not pay out (apply-abnormal-refund) to the shopper's bank
    card (`bank`: bank_type, bank_account, real_name) or the merchant's. One transaction marks it processing
    again; WeChat is called after it; a refusal puts it back to wechat_abnormal and says why."""
    route = ABNORMAL_ROUTES[action]
    if route == "user_bank_card" and not all((bank or {}).get(k) for k in ("bank_type", "bank_account", "real_name")):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "退到顾客银行卡需填写开户银行、银行卡号和收款人姓名")
    with transaction():
        refund, order = _refund_for_action(refund_id, action)
        refund.status, refund.abnormal_route = RefundState.PROCESSING.value, route
        refund.next_attempt_at = clock.now() + _query_after()
        events.record(order, "refund_rerouted", actor, reason=action.label, data={"refund_id": refund.id,
                                                                                 "route": route})
        refresh_order_refund_status(order)
        args = dict(wechat_refund_id=refund.wechat_refund_id or "", out_refund_no=refund.out_refund_no, route=route,
                    **(bank or {}))
        attempt_no = refund.attempts
    outcome = deps().payments.apply_abnormal_refund(**args)
    with transaction():
        refund = db.session.get(Refund, refund_id, populate_existing=True)
        db.session.add(RefundAttempt(refund_id=refund_id, number=attempt_no,
                                     outcome="failed" if outcome.failed else "rerouted", error_code=outcome.code,
                                     error_message=(outcome.message or "")[:255], operator=actor.name or actor.kind,
                                     created_at=clock.now()))
        if outcome.failed and refund.status == RefundState.PROCESSING.value:
            refund.status, refund.abnormal_route = RefundState.WECHAT_ABNORMAL.value, None
            refund.next_attempt_at = None
            refresh_order_refund_status(db.session.get(Order, refund.order_id))
    if outcome.code == NOT_SUPPORTED_CODE:
        raise DomainError(ErrorCode.REFUND_REROUTE_UNSUPPORTED)
    if outcome.failed:
        raise DomainError(ErrorCode.REFUND_REROUTE_REFUSED, f"微信未受理本次异常退款处理：{outcome.message or outcome.code}",
                          {"wechat_code": outcome.code})
    if outcome.settled:
        settle_refund(outcome)
    return db.session.get(Refund, refund_id, populate_existing=True)


def overdue_refunds(limit: int = 200) -> tuple[list[int], list[int]]:
    """(refunds to submit, refunds to query) whose time has come and whose job may be lost."""
    now = clock.now()
    due = or_(Refund.next_attempt_at.is_(None), Refund.next_attempt_at <= now)
    to_submit = list(db.session.scalars(select(Refund.id).where(
        Refund.method == "wechat", Refund.status.in_([s.value for s in SUBMITTABLE_STATES]), due).limit(limit)))
    to_query = list(db.session.scalars(select(Refund.id).where(
        Refund.status == RefundState.PROCESSING.value, due).limit(limit)))
    return to_submit, to_query


def grant_compensation_coupon(order_id: int, actor: Actor, coupon_id: int) -> ShopperCoupon:
    """R3: staff add a compensation coupon (补偿券) to an order's shopper; recorded on the order."""
    with transaction():
        order = db.session.get(Order, order_id)
        if order is None:
            raise DomainError(ErrorCode.ORDER_NOT_FOUND)
        coupon = db.session.get(Coupon, coupon_id)
        if coupon is None:
            raise DomainError(ErrorCode.COUPON_NOT_FOUND)
        from . import coupons  # coupons read orders' pricing; imported here to keep the graph one-way
        granted = coupons.grant_compensation(order.shopper_id, coupon)
        events.record(order, "compensation_coupon", actor, reason=coupon.name,
                      data={"coupon_id": coupon.id, "shopper_coupon_id": granted.id,
                            "amount_fen": coupon.discount_fen})
    return granted


def list_refunds(status: str | None = None, page: int = 1, per_page: int = 20) -> tuple[list[Refund], int]:
    """Finance's list (abnormal ones first when no status is given)."""
    query = select(Refund)
    if status:
        query = query.where(Refund.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by((Refund.status == RefundState.ABNORMAL.value).desc(), Refund.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total

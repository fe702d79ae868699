"""A refund's retry job may start a moment before the refund's pause ends (RQ schedules retries to the whole
second). It waits that moment out and submits; it never ends the refund's retries without an attempt, and a
submit job that does end without one says why in one log line.

r3 (docs/testing.md): the claim read the clock just before the pause ended, its UPDATE found the refund not yet
due, and the read after it found the pause over; the job returned, RQ counted it a success, and the refund
stayed `failed` until the sweeper. Here the claim's UPDATE is held on a table lock until the pause is over.
"""
from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from shop.db import Order, Refund, RefundAttempt
from shop.domain import clock
from shop.domain.actors import Actor
from shop.extensions import db
from shop.services import refunds
from shop.services.uow import transaction
from support.orders import paid_order
from support.services import wait_until
from support.shop import Shopper
from support.workers import run_jobs


def _refund(app, sandbox) -> int:
    """A WeChat refund of a paid order; its submit job is queued."""
    order = paid_order(Shopper(app.test_client()), sandbox)
    with transaction() as tx:
        return refunds.create_refund(db.session.get(Order, order["id"]), order["paid_fen"], source="manual",
                                     reason="测试", actor=Actor.system(), tx=tx).id


def _failed_once(refund_id: int, pause: timedelta) -> None:
    """As if its first attempt failed and its pause ends `pause` from now."""
    with transaction():
        refund = db.session.get(Refund, refund_id)
        refund.status, refund.attempts, refund.next_attempt_at = "failed", 1, clock.now() + pause


def _attempts(refund_id: int) -> list[tuple[int, str]]:
    return [(a.number, a.outcome) for a in db.session.scalars(
        select(RefundAttempt).where(RefundAttempt.refund_id == refund_id).order_by(RefundAttempt.id))]


@pytest.mark.postgres_only
def test_a_retry_whose_refund_falls_due_during_its_claim_submits_instead_of_ending_the_retries(pgapp, sandbox):
    refund_id = _refund(pgapp, sandbox)
    _failed_once(refund_id, timedelta(seconds=1.5))  # its job, queued now, starts early, within the tolerance
    due = db.session.get(Refund, refund_id).next_attempt_at
    db.session.commit()

    other = create_engine(db.engine.url)
    holder, watcher = other.connect(), other.connect().execution_options(isolation_level="AUTOCOMMIT")
    holder.begin()
    # Reads go on; the claim's UPDATE waits for the table (a row lock would not stop an UPDATE whose WHERE is false).
    holder.execute(text("LOCK TABLE refunds IN EXCLUSIVE MODE"))
    blocked_at = []

    def release_once_due():
        """Hold the table until the claim's UPDATE waits for it and the pause is over."""
        try:
            wait_until(lambda: watcher.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE refunds%'"
                " AND datname = current_database()")), timeout=30)
            blocked_at.append(clock.now())
            wait_until(lambda: clock.now() > due, timeout=5)
        finally:
            holder.rollback()

    releaser = threading.Thread(target=release_once_due)
    releaser.start()
    run_jobs()
    releaser.join()
    holder.close()
    watcher.close()
    other.dispose()

    assert blocked_at and blocked_at[0] < due, "the claim started after the pause ended: nothing was raced"
    db.session.expire_all()
    assert _attempts(refund_id) == [(2, "accepted")]
    assert db.session.get(Refund, refund_id).status in ("processing", "succeeded")


@pytest.mark.parametrize("case", ["claimed_elsewhere", "settled"])
def test_a_submit_job_that_ends_without_an_attempt_logs_one_line_saying_why(app, sandbox, capsys, case):
    refund_id = _refund(app, sandbox)
    if case == "claimed_elsewhere":  # another worker's claim holds it for its lease
        _failed_once(refund_id, timedelta(seconds=60))
    else:
        with transaction():
            db.session.get(Refund, refund_id).status = "succeeded"
    refund = db.session.get(Refund, refund_id)
    status, due = refund.status, refund.next_attempt_at
    db.session.commit()
    capsys.readouterr()

    assert refunds.submit_refund(refund_id) == status

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    ends = [line for line in lines if line["msg"] == "refund job ends without an attempt"]
    reason = "not_due" if case == "claimed_elsewhere" else "not_submittable"
    assert [(e["level"], e["refund_id"], e["reason"], e["state"], e["due"]) for e in ends] == [
        ("info", refund_id, reason, status, due.isoformat() if due else None)]
    assert _attempts(refund_id) == []

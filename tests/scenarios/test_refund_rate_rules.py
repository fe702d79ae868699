"""WeChat's rate rules in the refund worker (W3): real worker processes, real Redis, the sandbox.

The sandbox's record of each refund call is what WeChat would see; the rules are checked on it
by counting (calls per second, attempts used), never by timing how long something took.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from shop.db import Order, Refund, RefundAttempt
from shop.domain import clock
from shop.domain.actors import Actor
from shop.extensions import db
from shop.services import refunds
from shop.services.context import deps
from shop.services.uow import transaction
from support.services import wait_until
from test_refund_engine import assert_each_paid_once, paid_orders, refund_in_full, states, worker  # noqa: F401

pytestmark = pytest.mark.postgres_only


def calls_per_second(sandbox) -> Counter:
    return Counter(datetime.fromisoformat(row["created_at"]).replace(microsecond=0)
                   for row in sandbox.listing("refunds"))


def test_twenty_refunds_at_five_a_second_never_reach_wechat_more_than_five_in_one_second(pgapp, sandbox, worker):
    order_ids = paid_orders(pgapp, sandbox, 20)
    worker(REFUND_RATE_PER_S=5)
    worker(REFUND_RATE_PER_S=5)
    refund_ids = refund_in_full(order_ids)

    wait_until(lambda: set(states(refund_ids)) == {"succeeded"}, timeout=60)

    per_second = calls_per_second(sandbox)
    assert sum(per_second.values()) == 20
    assert max(per_second.values()) <= 5, per_second
    assert_each_paid_once(sandbox, refund_ids)


def test_frequency_limited_answers_are_waited_out_without_using_up_the_refunds_attempts(pgapp, sandbox, worker):
    [order_id] = paid_orders(pgapp, sandbox, 1)
    # Five FREQUENCY_LIMITED answers: more than the refund's whole budget of 1 + 3 retries.
    sandbox.fault("refund", "FREQUENCY_LIMITED", times=5)
    process = worker(retry_intervals=(1, 1, 1))
    [refund_id] = refund_in_full([order_id])

    wait_until(lambda: states([refund_id]) == ["succeeded"], timeout=40)

    refund = db.session.get(Refund, refund_id)
    attempts = db.session.scalars(select(RefundAttempt).where(RefundAttempt.refund_id == refund_id)
                                  .order_by(RefundAttempt.id)).all()
    assert [(a.number, a.outcome) for a in attempts] == [(1, "rate_limited")] * 5 + [(1, "accepted")], \
        process.output()
    assert refund.attempts == 1 and refund.last_error_code is None
    assert_each_paid_once(sandbox, [refund_id])


def test_a_second_refund_of_the_same_order_waits_for_the_order_gap(pgapp, sandbox, worker):
    [order_id] = paid_orders(pgapp, sandbox, 1)
    process = worker(REFUND_ORDER_GAP_SECONDS=60)
    with transaction() as tx:
        order = db.session.get(Order, order_id)
        first = refunds.create_refund(order, 100, source="manual", reason="差价", actor=Actor.system(), tx=tx).id
        second = refunds.create_refund(order, 200, source="manual", reason="运费", actor=Actor.system(), tx=tx).id

    try:
        wait_until(lambda: "succeeded" in states([first, second]), timeout=40)
    except AssertionError:
        raise AssertionError(f"{states([first, second])} {sandbox.listing('refunds')} {process.output()}")
    waiting = first if states([first, second])[0] == "pending" else second
    wait_until(lambda: scheduled_submits(waiting), timeout=10)

    assert sorted(states([first, second])) == ["pending", "succeeded"]
    assert len(sandbox.listing("refunds")) == 1
    [come_back] = scheduled_submits(waiting)
    assert (come_back - clock.now()).total_seconds() > 45  # the gap is a minute from the first refund's call


def scheduled_submits(refund_id: int) -> list[datetime]:
    """When the refund's waiting submit jobs are due (RQ's scheduled registry)."""
    connection = deps().jobs.connection
    registries = [ScheduledJobRegistry(queue.name, connection=connection) for queue in Queue.all(connection=connection)]
    return [registry.get_scheduled_time(job_id) for registry in registries for job_id in registry.get_job_ids()
            if f"refund-{refund_id}-at" in job_id]

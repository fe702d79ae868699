"""The cluster-wide refund bucket (W3) on a real Redis: counts of calls let through, never timings.

Each check starts at the beginning of one of Redis's seconds, so that its few calls (milliseconds)
all fall in the same second of the bucket."""
from __future__ import annotations

import time
from collections import Counter

import pytest
from redis import Redis

from shop.adapters.refund_pacer import RefundPacer
from shop.domain.refund_pacing import RefundPace


@pytest.fixture
def connection(redis_url):
    redis = Redis.from_url(redis_url)
    redis.flushdb()
    yield redis
    redis.flushdb()


def pacer(connection, **pace) -> RefundPacer:
    return RefundPacer(lambda: connection, RefundPace(**pace))


def start_of_a_second(connection) -> None:
    _, microseconds = connection.time()
    time.sleep(1 - microseconds / 1_000_000 + 0.01)


def let_through(bucket: RefundPacer, calls: int, first_order: int = 1) -> int:
    return sum(bucket.acquire(first_order + n, f"R{first_order + n}") is None for n in range(calls))


def test_no_more_than_the_rate_go_out_in_one_second(connection):
    bucket = pacer(connection, rate_per_s=5)
    start_of_a_second(connection)
    assert let_through(bucket, 20) == 5


def test_a_new_second_does_not_refill_the_bucket_while_the_last_sends_are_inside_the_window(connection):
    # WeChat counts calls by when they arrive; one that leaves late in a second may arrive in the next,
    # so five sent at the end of one second and five more at the start of the next could be ten in one.
    bucket = pacer(connection, rate_per_s=5, rate_window_ms=1300)
    start_of_a_second(connection)
    time.sleep(0.8)
    assert let_through(bucket, 5, first_order=1) == 5
    time.sleep(0.3)  # into the next second, 0.3 s after the five went out
    assert let_through(bucket, 5, first_order=100) == 0


def test_every_worker_shares_one_bucket(connection):
    first, second = pacer(connection, rate_per_s=5), pacer(connection, rate_per_s=5)
    start_of_a_second(connection)
    assert let_through(first, 10, first_order=1) + let_through(second, 10, first_order=100) == 5


def test_callers_turned_away_are_spread_a_bucketful_per_later_second(connection):
    bucket = pacer(connection, rate_per_s=2)
    start_of_a_second(connection)
    answers = [bucket.acquire(n, f"R{n}") for n in range(8)]
    come_back = Counter(a for a in answers if a is not None)
    assert sum(come_back.values()) == 6
    assert sorted(come_back.values()) == [2, 2, 2]


def test_while_calls_fail_only_the_failing_rate_goes_out(connection):
    bucket = pacer(connection, rate_per_s=100, failing_rate_per_s=5)
    bucket.record_failure()
    start_of_a_second(connection)
    assert let_through(bucket, 20) == 5


def test_a_second_refund_of_an_order_waits_for_the_gap_but_a_retry_of_the_same_refund_does_not(connection):
    bucket = pacer(connection, rate_per_s=100, order_gap_seconds=60)
    assert bucket.acquire(7, "R-first") is None
    assert bucket.acquire(7, "R-first") is None  # the same refund again (a retry): same out_refund_no
    assert bucket.acquire(7, "R-second") is not None
    assert connection.pttl("shop:refund-pace:order:7") > 50_000


def test_a_refund_turned_away_by_the_bucket_does_not_start_its_orders_gap(connection):
    bucket = pacer(connection, rate_per_s=1)
    start_of_a_second(connection)
    assert bucket.acquire(1, "R-a") is None
    assert bucket.acquire(2, "R-b") is not None
    assert not connection.exists("shop:refund-pace:order:2")

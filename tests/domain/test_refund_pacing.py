"""WeChat's refund rate rules as plain decisions (W3): what counts as "slow down", when to query again."""
from datetime import datetime, timedelta, timezone

from shop.domain.refund_pacing import RefundPace, is_rate_limited, next_query_at

SUBMITTED = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
MINUTE = timedelta(seconds=60)


def test_only_frequency_limited_means_wait_without_counting_the_attempt():
    assert is_rate_limited("FREQUENCY_LIMITED")
    assert not is_rate_limited("SYSTEMERROR") and not is_rate_limited("NOTENOUGH")


def test_the_defaults_stay_under_wechats_limits():
    pace = RefundPace.from_config({})
    assert (pace.rate_per_s, pace.failing_rate_per_s, pace.order_gap_seconds) == (100, 5, 60)
    assert pace.rate_per_s < 150 and pace.failing_rate_per_s < 6


def test_the_rate_comes_from_the_setting():
    assert RefundPace.from_config({"REFUND_RATE_PER_S": "20"}).rate_per_s == 20


def test_queries_back_off_doubling_from_the_first_minute_up_to_an_hour():
    first = next_query_at(SUBMITTED, SUBMITTED + MINUTE, MINUTE)
    assert first - SUBMITTED == 2 * MINUTE
    second = next_query_at(SUBMITTED, first, MINUTE)
    assert second - SUBMITTED == 4 * MINUTE
    much_later = SUBMITTED + timedelta(hours=5)
    assert next_query_at(SUBMITTED, much_later, MINUTE) - much_later == timedelta(hours=1)

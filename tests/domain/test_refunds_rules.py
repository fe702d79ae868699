"""Refund engine rules (R1, R4, R7): what follows a failure, and what the order shows."""
from datetime import date, datetime, timezone

from shop.domain.orders import RefundStatus
from shop.domain.refunds import RefundState, add_working_days, after_failed_attempt, expected_arrival, order_refund_status

INTERVALS = [10, 60, 300]


def test_a_retryable_failure_waits_the_next_interval_of_the_back_off_list():
    state, pause = after_failed_attempt(1, True, INTERVALS)
    assert (state, pause.total_seconds()) == (RefundState.FAILED, 10)
    assert after_failed_attempt(2, True, INTERVALS)[1].total_seconds() == 60
    assert after_failed_attempt(3, True, INTERVALS)[1].total_seconds() == 300


def test_after_the_last_retry_the_refund_is_abnormal():
    assert after_failed_attempt(4, True, INTERVALS) == (RefundState.ABNORMAL, None)


def test_a_final_wechat_error_is_abnormal_at_once():
    assert after_failed_attempt(1, False, INTERVALS) == (RefundState.ABNORMAL, None)


def test_order_shows_refunding_while_any_refund_is_open_and_failed_when_one_is_abnormal():
    assert order_refund_status([], 0, 1000) is RefundStatus.NONE
    assert order_refund_status(["succeeded", "failed"], 500, 1000) is RefundStatus.REFUNDING
    assert order_refund_status(["succeeded", "abnormal"], 500, 1000) is RefundStatus.REFUND_FAILED
    assert order_refund_status(["succeeded"], 500, 1000) is RefundStatus.PARTIALLY_REFUNDED
    assert order_refund_status(["succeeded", "succeeded"], 1000, 1000) is RefundStatus.REFUNDED


def test_shopper_is_told_when_the_money_arrives():
    assert expected_arrival("balance", None) == "即时到账"
    assert "1-3 个工作日" in expected_arrival("wechat", None)
    friday_evening_in_shanghai = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
    assert expected_arrival("wechat", friday_evening_in_shanghai).endswith("预计 11 月 25 日前到账")


def test_working_days_skip_the_weekend():
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1) == date(2026, 11, 23)
    assert add_working_days(friday, 3) == date(2026, 11, 25)


def test_a_refund_waiting_for_finance_promises_no_arrival_date():
    submitted = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
    assert "预计" in expected_arrival("wechat", submitted, "processing")
    for status in ("abnormal", "wechat_abnormal", "closed"):
        assert "预计" not in expected_arrival("wechat", submitted, status) and "商家" in expected_arrival(
            "wechat", submitted, status)

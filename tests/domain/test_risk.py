"""Risk rules (K1): thresholds, the bulk refund pattern, the allow-list."""
from datetime import datetime, timedelta, timezone

from shop.domain.policy import Policy
from shop.domain.risk import (OrderRefundTimes, RiskMetrics, WatchState, bulk_refund_groups, is_watchlisted,
                              risk_reasons, should_flag_automatically)

T0 = datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
POLICY = Policy()


def metrics(**changes) -> RiskMetrics:
    base = dict(window_days=30, orders=10, refunds=1, refunded_orders=1, cancels=0, addresses=1, bulk_refund_groups=0)
    return RiskMetrics(**{**base, **changes})


def test_an_ordinary_shopper_has_no_risk_reasons():
    assert risk_reasons(metrics(), POLICY) == []


def test_too_many_refunds_cancels_or_addresses_are_reasons():
    reasons = risk_reasons(metrics(refunds=6, refunded_orders=2, cancels=6, addresses=5), POLICY)
    assert any("退款 6 次" in r for r in reasons)
    assert any("取消订单 6 次" in r for r in reasons)
    assert any("5 个不同收货地址" in r for r in reasons)


def test_refund_rate_counts_only_with_enough_orders():
    assert risk_reasons(metrics(orders=3, refunded_orders=3, refunds=3), POLICY) == []
    reasons = risk_reasons(metrics(orders=5, refunded_orders=4, refunds=4), POLICY)
    assert reasons == ["近30天退款率 80%（上限 60%）"]


def test_orders_bought_together_and_refunded_together_form_a_group():
    together = [OrderRefundTimes(T0 + i * timedelta(minutes=10), T0 + 24 * HOUR + i * timedelta(minutes=5))
                for i in range(3)]
    assert bulk_refund_groups(together, 3, HOUR) == 1
    assert risk_reasons(metrics(bulk_refund_groups=1), POLICY)[0].startswith("集中下单后集中退款")


def test_orders_spread_out_or_refunded_apart_are_not_a_group():
    spread = [OrderRefundTimes(T0 + i * 2 * HOUR, T0 + 48 * HOUR) for i in range(3)]
    refunded_apart = [OrderRefundTimes(T0, T0 + i * 5 * HOUR) for i in range(3)]
    assert bulk_refund_groups(spread, 3, HOUR) == 0
    assert bulk_refund_groups(refunded_apart, 3, HOUR) == 0
    assert bulk_refund_groups(spread[:2], 3, HOUR) == 0


def test_one_burst_is_one_group_however_big_and_a_later_burst_is_another():
    burst = [OrderRefundTimes(T0 + i * timedelta(minutes=5), T0 + 24 * HOUR) for i in range(6)]
    later = [OrderRefundTimes(T0 + 72 * HOUR + i * timedelta(minutes=5), T0 + 96 * HOUR) for i in range(3)]
    assert bulk_refund_groups(burst, 3, HOUR) == 1
    assert bulk_refund_groups(burst + later, 3, HOUR) == 2


def test_allow_listed_shoppers_are_never_watchlisted_nor_flagged_automatically():
    assert not is_watchlisted(WatchState(flagged=True, allow_listed=True))
    assert is_watchlisted(WatchState(flagged=True, allow_listed=False))
    assert not should_flag_automatically(WatchState(False, True), ["近30天退款 9 次"])
    assert should_flag_automatically(WatchState(False, False), ["近30天退款 9 次"])
    assert not should_flag_automatically(WatchState(False, False), [])

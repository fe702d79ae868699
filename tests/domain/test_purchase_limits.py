"""No hoarding (issue 14): the caps on what one shopper's unpaid orders may hold, and risk counting
orders closed unpaid."""
import pytest

from shop.domain.errors import DomainError
from shop.domain.policy import Policy
from shop.domain.purchase_limits import UnpaidHoldings, check_unpaid_limits
from shop.domain.risk import RiskMetrics, WatchState, risk_reasons, staff_risk_actions

POLICY = Policy(max_unpaid_orders_per_shopper=3, max_unpaid_units_per_sku=5)


def test_an_order_within_both_caps_passes():
    check_unpaid_limits(UnpaidHoldings(orders=2, units_by_sku={7: 3}), {7: 2, 8: 5}, {}, POLICY)


def test_the_next_order_past_the_unpaid_orders_cap_is_refused():
    with pytest.raises(DomainError) as refused:
        check_unpaid_limits(UnpaidHoldings(orders=3), {7: 1}, {}, POLICY)
    assert refused.value.code.name == "UNPAID_ORDERS_LIMIT" and "最多 3 笔" in refused.value.message


def test_units_of_one_sku_add_up_across_unpaid_orders():
    with pytest.raises(DomainError) as refused:
        check_unpaid_limits(UnpaidHoldings(orders=1, units_by_sku={7: 4}), {7: 2}, {7: "快充数据线 1米"}, POLICY)
    assert refused.value.message == "「快充数据线 1米」待付款订单中每人最多 5 件，您还可以再下 1 件"
    assert refused.value.details == {"sku_id": 7, "limit": 5, "remaining": 1}


def metrics(**changes) -> RiskMetrics:
    base = dict(window_days=30, orders=0, refunds=0, refunded_orders=0, cancels=0, addresses=1, bulk_refund_groups=0)
    return RiskMetrics(**{**base, **changes})


def test_orders_left_to_close_unpaid_over_the_setting_flag_the_shopper():
    assert risk_reasons(metrics(unpaid_closed=5), Policy()) == []
    assert risk_reasons(metrics(unpaid_closed=6), Policy()) == ["近30天 6 笔订单超时未支付被关闭（上限 5）"]


def test_risk_page_actions_follow_the_shoppers_state_and_the_staff_members_permission():
    assert staff_risk_actions(WatchState(False, False), False, True) == ["flag", "allow_list", "ban"]
    assert staff_risk_actions(WatchState(True, False), True, True) == ["unflag", "allow_list", "unban"]
    assert staff_risk_actions(WatchState(False, True), False, True) == ["flag", "ban"]
    assert staff_risk_actions(WatchState(True, False), False, False) == []

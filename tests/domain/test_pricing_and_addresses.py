from datetime import datetime, timedelta, timezone

import pytest

from shop.domain.addresses import validate_address
from shop.domain.errors import DomainError
from shop.domain.policy import Policy
from shop.domain.pricing import CouponTerms, LineInput, price_order, shipping_fee

NOW = datetime(2026, 11, 21, 12, tzinfo=timezone.utc)
POLICY = Policy()


def test_shipping_is_free_from_99_yuan_and_8_yuan_below():
    assert shipping_fee(9900, POLICY) == 0
    assert shipping_fee(9899, POLICY) == 800


def test_coupon_discount_is_split_across_lines_in_proportion_and_sums_exactly():
    coupon = CouponTerms(threshold_fen=9900, discount_fen=1000, valid_from=None, valid_until=None)
    pricing = price_order([LineInput(1, 3333, 1), LineInput(2, 3333, 1), LineInput(3, 3334, 1)], coupon, POLICY, NOW)
    assert [line.discount_fen for line in pricing.lines] == [333, 333, 334]
    assert pricing.total_fen == 10000 - 1000 + 0


def test_coupon_below_its_threshold_or_expired_is_refused():
    below = CouponTerms(threshold_fen=9900, discount_fen=1000, valid_from=None, valid_until=None)
    with pytest.raises(DomainError, match="门槛"):
        price_order([LineInput(1, 2900, 1)], below, POLICY, NOW)
    expired = CouponTerms(threshold_fen=0, discount_fen=500, valid_from=None, valid_until=NOW - timedelta(days=1))
    with pytest.raises(DomainError, match="有效期"):
        price_order([LineInput(1, 2900, 1)], expired, POLICY, NOW)


def test_a_coupon_never_makes_goods_cost_less_than_nothing():
    big = CouponTerms(threshold_fen=0, discount_fen=10000, valid_from=None, valid_until=None)
    pricing = price_order([LineInput(1, 2900, 1)], big, POLICY, NOW)
    assert pricing.discount_fen == 2900 and pricing.total_fen == 800


@pytest.mark.parametrize("quantity", [0, -1, 1000])
def test_quantities_outside_1_to_999_are_refused(quantity):
    with pytest.raises(DomainError):
        price_order([LineInput(1, 2900, quantity)], None, POLICY, NOW)


def test_a_complete_mainland_address_passes():
    assert validate_address({"receiver": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市",
                             "district": "南山区", "detail": "科技园路 1 号"}) == {}


def test_every_problem_of_an_address_is_named_in_chinese():
    problems = validate_address({"receiver": "", "phone": "02012345678", "province": "", "city": "",
                                 "district": "", "detail": "1号"})
    assert problems == {"receiver": "请填写收货人", "phone": "请填写正确的 11 位手机号", "province": "请选择省份",
                        "city": "请选择城市", "district": "请选择区县", "detail": "详细地址至少 4 个字"}

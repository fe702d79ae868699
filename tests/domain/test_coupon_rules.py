"""O7: what a coupon takes off, where it applies, when it is valid, which one checkout preselects."""
from datetime import datetime, timedelta, timezone

import pytest

from shop.domain.coupons import (CouponLine, CouponTerms, best_choice, claim_refusal, describe, ensure_editable,
                                 evaluate, template_actions, template_problems)
from shop.domain.errors import DomainError
from shop.domain.policy import Policy
from shop.domain.pricing import LineInput, price_order

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)


def amount(threshold=0, discount=500, **kw) -> CouponTerms:
    return CouponTerms(threshold, discount, None, None, **kw)


def percent(off, cap=None, threshold=0, **kw) -> CouponTerms:
    return CouponTerms(threshold, 0, None, None, kind="percent", percent_off=off, max_discount_fen=cap, **kw)


def test_a_percentage_coupon_takes_its_share_in_fen_and_stops_at_its_cap():
    lines = [CouponLine(1, 1, 12345)]
    assert evaluate(percent(10), lines, NOW).discount_fen == 1234  # floored to the fen
    assert evaluate(percent(10, cap=1000), lines, NOW).discount_fen == 1000


def test_the_threshold_and_discount_count_only_the_goods_in_scope():
    food = CouponTerms(10000, 1500, None, None, scope="categories", scope_ids=frozenset({3}))
    lines = [CouponLine(10, 3, 6000), CouponLine(11, 1, 9000)]
    outcome = evaluate(food, lines, NOW)
    assert not outcome.usable and outcome.reason_unusable == "适用商品未满100元"
    lines = [CouponLine(10, 3, 6000), CouponLine(12, 3, 4000), CouponLine(11, 1, 9000)]
    outcome = evaluate(food, lines, NOW)
    assert outcome.usable and outcome.discount_fen == 1500 and outcome.eligible == (True, True, False)
    assert evaluate(food, [CouponLine(11, 1, 90000)], NOW).reason_unusable == "订单中没有适用此券的商品"


def test_pricing_splits_a_scoped_discount_only_across_the_lines_it_applies_to():
    only_product_7 = amount(0, 1000, scope="products", scope_ids=frozenset({7}))
    pricing = price_order([LineInput(1, 3000, 1, product_id=7), LineInput(2, 5000, 1, product_id=8)],
                          only_product_7, Policy(), NOW)
    assert [line.discount_fen for line in pricing.lines] == [1000, 0]
    assert pricing.total_fen == 3000 + 5000 - 1000 + pricing.shipping_fen


def test_valid_days_count_from_when_the_shopper_received_it():
    terms = amount(valid_days=7, received_at=NOW - timedelta(days=6))
    assert evaluate(terms, [CouponLine(1, 1, 1000)], NOW).usable
    late = amount(valid_days=7, received_at=NOW - timedelta(days=8))
    assert evaluate(late, [CouponLine(1, 1, 1000)], NOW).reason_unusable == "优惠券不在有效期内"
    with pytest.raises(DomainError):
        price_order([LineInput(1, 1000, 1)], late, Policy(), NOW)


def test_checkout_prefers_the_biggest_discount_then_the_one_expiring_first():
    soon, later = NOW + timedelta(days=1), NOW + timedelta(days=9)
    assert best_choice([(1, 500, later), (2, 800, later), (3, 800, soon)]) == 3
    assert best_choice([(1, 0, soon)]) is None


def test_the_shopper_reads_the_coupon_in_plain_words():
    assert describe(amount(9900, 1000)) == "满99减10"
    assert describe(amount(0, 500)) == "无门槛减5元"
    assert describe(percent(15, cap=2000, threshold=20000)) == "满200打8.5折（最高减20元）"
    assert describe(amount(10000, 1500, scope="categories", scope_ids=frozenset({1}))) == "满100减15，指定分类可用"


def test_claiming_stops_at_the_total_and_the_per_shopper_limit():
    assert claim_refusal("active", True, 10, 10, 0, 1, False) == "优惠券已领完"
    assert claim_refusal("active", True, 3, 10, 2, 2, False) == "每人限领2张，您已领过"
    assert claim_refusal("stopped", True, 0, None, 0, 1, False) == "该优惠券已停止领取"
    assert claim_refusal("active", True, 0, None, 0, 1, False) is None


def test_a_template_needs_a_discount_a_validity_and_a_scope():
    base = {"name": "券", "kind": "amount", "discount_fen": 1000, "threshold_fen": 9900, "per_shopper_limit": 1,
            "scope": "all", "valid_days": 30}
    assert template_problems(base, NOW) == {}
    assert "discount_fen" in template_problems({**base, "discount_fen": 9900}, NOW)
    assert "valid_until" in template_problems({**base, "valid_days": None}, NOW)
    assert "scope_ids" in template_problems({**base, "scope": "products", "scope_ids": []}, NOW)
    assert "percent_off" in template_problems({**base, "kind": "percent", "percent_off": 0}, NOW)


def test_what_an_issued_coupon_promises_no_longer_changes():
    current = {"discount_fen": 1000, "name": "旧"}
    ensure_editable(current, {"discount_fen": 2000}, issued_count=0)
    ensure_editable(current, {"name": "新"}, issued_count=5)
    with pytest.raises(DomainError):
        ensure_editable(current, {"discount_fen": 2000}, issued_count=5)


def test_a_stopped_template_offers_no_buttons():
    assert template_actions("active", False, False) == ["edit", "issue", "publish", "stop"]
    assert template_actions("active", True, False) == ["edit", "issue", "unpublish", "stop"]
    assert template_actions("stopped", False, False) == []

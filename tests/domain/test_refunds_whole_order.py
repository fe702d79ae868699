"""R2 over whole orders: coupon and shipping included, refunds in any order add up to what was paid."""
from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from shop.domain.policy import Policy
from shop.domain.pricing import CouponTerms, LineInput, price_order
from shop.domain.refund_amounts import LineAmounts, full_refund_fen, line_refund_fen

NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)
POLICY = Policy()

lines_strategy = st.lists(st.tuples(st.integers(1, 50000), st.integers(1, 6)), min_size=1, max_size=5)
# Coupons without a threshold (the threshold is ordering's rule, not the refund's).
coupon_strategy = st.one_of(st.none(), st.builds(lambda d: CouponTerms(0, d, None, None), st.integers(1, 50000)))


def priced(lines, coupon):
    return price_order([LineInput(i + 1, price, qty) for i, (price, qty) in enumerate(lines)], coupon, POLICY, NOW)


@settings(max_examples=300, deadline=None)
@given(lines_strategy, coupon_strategy, st.booleans(), st.data())
def test_refunding_every_unit_in_any_partial_order_returns_exactly_what_was_paid(lines, coupon, shipped, data):
    pricing = priced(lines, coupon)
    state = [LineAmounts(line.goods_fen - line.discount_fen, line.quantity, 0) for line in pricing.lines]
    paid_for_goods = pricing.total_fen - pricing.shipping_fen
    refunded = 0
    while any(s.refunded_quantity < s.quantity for s in state):
        open_lines = [i for i, s in enumerate(state) if s.refunded_quantity < s.quantity]
        i = data.draw(st.sampled_from(open_lines))
        line = state[i]
        k = data.draw(st.integers(1, line.quantity - line.refunded_quantity))
        refunded += line_refund_fen(line, k)
        state[i] = LineAmounts(line.payable_fen, line.quantity, line.refunded_quantity + k)
        assert refunded <= paid_for_goods  # never more than paid, at every step
    assert refunded == paid_for_goods
    # The shipping fee is the only thing left, and only when nothing was shipped.
    assert full_refund_fen(state, pricing.shipping_fen, shipped) == (0 if shipped else pricing.shipping_fen)


@settings(max_examples=200, deadline=None)
@given(lines_strategy, coupon_strategy)
def test_a_full_refund_before_shipping_is_the_order_total(lines, coupon):
    pricing = priced(lines, coupon)
    fresh = [LineAmounts(line.goods_fen - line.discount_fen, line.quantity, 0) for line in pricing.lines]
    assert full_refund_fen(fresh, pricing.shipping_fen, shipped=False) == pricing.total_fen
    assert full_refund_fen(fresh, pricing.shipping_fen, shipped=True) == pricing.total_fen - pricing.shipping_fen

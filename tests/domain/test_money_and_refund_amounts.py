from hypothesis import given, settings
from hypothesis import strategies as st

from shop.domain.money import allocate
from shop.domain.refund_amounts import LineAmounts, line_refund_fen


@given(st.integers(0, 10**7), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_allocation_always_sums_to_the_total_and_never_goes_negative(total, weights):
    shares = allocate(total, weights)
    assert sum(shares) == total
    assert all(s >= 0 for s in shares)


def test_allocation_gives_leftover_fen_to_the_largest_remainders_then_earlier_lines():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(1000, [3000, 7000]) == [300, 700]


@settings(max_examples=200)
@given(st.integers(1, 10**6), st.integers(1, 30), st.data())
def test_refunding_all_units_in_any_partial_order_sums_exactly_to_the_line_payable(payable, quantity, data):
    refunded, total = 0, 0
    while refunded < quantity:
        k = data.draw(st.integers(1, quantity - refunded))
        total += line_refund_fen(LineAmounts(payable, quantity, refunded), k)
        refunded += k
    assert total == payable

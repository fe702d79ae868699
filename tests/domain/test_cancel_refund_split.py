"""C5/R2: what a cancel gives back after earlier refunds, to the fen."""
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.refund_amounts import LineAmounts, cancel_refund_split, remaining_goods_fen

lines_st = st.lists(st.tuples(st.integers(1, 5), st.integers(0, 50_000)), min_size=1, max_size=4).flatmap(
    lambda rows: st.tuples(*[st.builds(LineAmounts, st.just(fen), st.just(q), st.integers(0, q)) for q, fen in rows]))


@given(lines_st, st.integers(0, 2_000), st.integers(0, 300_000))
def test_a_cancel_refunds_everything_left_but_never_more_than_the_order_has_left(lines, shipping, left):
    split = cancel_refund_split(list(lines), shipping, left)
    everything = remaining_goods_fen(list(lines)) + shipping
    assert split.total_fen == min(everything, left)
    assert all(fen >= 0 for fen in split.line_fen) and 0 <= split.shipping_fen <= shipping


def test_the_shipping_fee_is_cut_first_then_the_last_line():
    lines = [LineAmounts(2900, 1, 0), LineAmounts(1000, 1, 0)]
    assert cancel_refund_split(lines, 800, 4700).line_fen == (2900, 1000)
    split = cancel_refund_split(lines, 800, 3400)
    assert (split.line_fen, split.shipping_fen) == ((2900, 500), 0)

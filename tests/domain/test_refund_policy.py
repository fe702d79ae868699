"""R12: one refund policy for every path that gives money back."""
import pytest

from shop.domain.errors import DomainError
from shop.domain.orders import OrderStatus
from shop.domain.policy import Policy
from shop.domain.refund_policy import RefundAction, RefundCase, Verdict, check_staff_refund, decide_refund

POLICY = Policy(auto_refund_max_fen=50000, staff_cancel_recheck_fen=50000, refund_limit_customer_service_fen=20000,
                refund_limit_supervisor_fen=2000000, refund_limit_finance_fen=2000000)


def case(amount_fen, so_far=0, role="shopper", stage=OrderStatus.PAID, action=RefundAction.AFTER_SALE, **extra):
    return RefundCase(action, role, stage, so_far, amount_fen, **extra)


def verdict(*args, **kwargs) -> Verdict:
    return decide_refund(case(*args, **kwargs), POLICY).verdict


def test_a_shoppers_small_refund_before_shipping_goes_ahead_on_its_own():
    assert verdict(29800) is Verdict.AUTOMATIC
    assert verdict(50000) is Verdict.AUTOMATIC  # the limit itself is still automatic


def test_a_shoppers_refund_over_the_limit_goes_to_review():
    decision = decide_refund(case(59700, action=RefundAction.CANCEL), POLICY)
    assert decision.verdict is Verdict.REVIEW and decision.reasons == ("退款金额超过自动审核上限",)


def test_splitting_a_refund_into_pieces_changes_nothing():
    """Three one-unit refunds of ¥298 are judged like one refund of ¥894: the third (and the second) go to review."""
    whole = verdict(89400)
    pieces = [verdict(29800, so_far=29800 * i) for i in range(3)]
    assert whole is Verdict.REVIEW
    assert pieces == [Verdict.AUTOMATIC, Verdict.REVIEW, Verdict.REVIEW]


def test_refunds_so_far_count_for_staff_too():
    assert verdict(10000, role="supervisor") is Verdict.AUTOMATIC
    assert verdict(10000, so_far=45000, role="supervisor") is Verdict.PASSWORD


def test_a_watchlisted_shopper_or_a_shipped_order_never_gets_an_automatic_refund():
    assert decide_refund(case(100, watchlisted=True), POLICY).reasons == ("顾客在重点监控名单",)
    assert decide_refund(case(100, stage=OrderStatus.SHIPPED), POLICY).reasons == ("订单已发货",)
    assert verdict(100, stage=OrderStatus.COMPLETED, goods_back=True) is Verdict.AUTOMATIC


def test_the_system_is_held_to_the_shoppers_rule():
    assert verdict(60000, role="system") is Verdict.REVIEW


@pytest.mark.parametrize("role, amount, expected", [
    ("customer_service", 20000, Verdict.AUTOMATIC),
    ("customer_service", 20001, Verdict.REVIEW),
    ("supervisor", 49999, Verdict.AUTOMATIC),
    ("supervisor", 50000, Verdict.PASSWORD),
    ("supervisor", 2000001, Verdict.REVIEW),
    ("finance", 2000000, Verdict.PASSWORD),
    ("admin", 99999999, Verdict.PASSWORD),
    ("warehouse", 1, Verdict.REVIEW),
])
def test_each_staff_role_refunds_within_its_limit_and_large_amounts_need_the_password(role, amount, expected):
    assert verdict(amount, role=role, action=RefundAction.STAFF_REFUND) is expected


def test_nothing_to_refund_needs_nobody():
    assert verdict(0, role="customer_service", stage=OrderStatus.PENDING_PAYMENT) is Verdict.AUTOMATIC


def test_staff_over_their_limit_are_refused_with_the_reason():
    with pytest.raises(DomainError) as refused:
        check_staff_refund(case(268200, role="customer_service", action=RefundAction.MODIFY), POLICY)
    assert refused.value.code.name == "REFUND_OVER_ROLE_LIMIT" and "客服" in refused.value.message
    assert "¥2682.00" in refused.value.message
    assert check_staff_refund(case(268200, role="supervisor", action=RefundAction.MODIFY), POLICY) is True
    assert check_staff_refund(case(100, role="supervisor", action=RefundAction.MODIFY), POLICY) is False

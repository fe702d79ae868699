"""C2, C3, C4, C6 and D1 as rules: no database, no Flask."""
from datetime import datetime, timedelta, timezone

import pytest

from shop.domain.cancellation import (CancelDecision, check_decision_reason, check_feedback, check_reason,
                                      check_staff_cancel, decide_shopper_cancel, describe_alternative,
                                      ensure_feedback_allowed)
from shop.domain.errors import DomainError, ErrorCode
from shop.domain.orders import (OrderFacts, OrderStatus, RefundStatus, deletion_refusal, shopper_actions,
                                staff_actions)
from shop.domain.policy import SHOPPER_CANCEL_REASONS, Policy

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
POLICY = Policy()


def facts(status=OrderStatus.PAID, paid_minutes_ago=5, paid_fen=9900, **extra) -> OrderFacts:
    paid = status != OrderStatus.PENDING_PAYMENT
    return OrderFacts(status=status, refund_status=extra.pop("refund_status", RefundStatus.NONE),
                      paid_fen=paid_fen if paid else 0, refunded_fen=0,
                      paid_at=NOW - timedelta(minutes=paid_minutes_ago) if paid else None,
                      accepted_at=None, shipped_at=None, completed_at=None, **extra)


def decide(f, watchlisted=False):
    return decide_shopper_cancel(f, POLICY, NOW, watchlisted)


def test_unpaid_order_is_cancelled_at_once():
    assert decide(facts(OrderStatus.PENDING_PAYMENT)) == CancelDecision.CANCEL_NOW


def test_paid_order_cancelled_within_window_is_approved_automatically():
    assert decide(facts(paid_minutes_ago=29)) == CancelDecision.AUTO_APPROVE


def test_paid_order_cancelled_after_the_window_goes_to_review():
    assert decide(facts(paid_minutes_ago=31)) == CancelDecision.NEEDS_REVIEW


def test_the_free_window_follows_the_policy():
    assert decide_shopper_cancel(facts(paid_minutes_ago=50), Policy(free_cancel_minutes=60), NOW, False) \
        == CancelDecision.AUTO_APPROVE


def test_accepted_order_goes_to_review_even_inside_the_window():
    assert decide(facts(OrderStatus.ACCEPTED, paid_minutes_ago=1)) == CancelDecision.NEEDS_REVIEW


def test_watchlisted_shopper_never_gets_automatic_approval():
    assert decide(facts(paid_minutes_ago=1), watchlisted=True) == CancelDecision.NEEDS_REVIEW


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.COMPLETED])
def test_shipped_order_is_not_cancellable_and_points_to_after_sales(status):
    with pytest.raises(DomainError) as err:
        decide(facts(status))
    assert err.value.code == ErrorCode.ORDER_NOT_CANCELLABLE
    assert err.value.message == "订单已发货，无法取消，请申请售后"


def test_order_with_an_open_request_cannot_be_cancelled_again():
    with pytest.raises(DomainError) as err:
        decide(facts(paid_minutes_ago=40, open_request_kind="modify"))
    assert err.value.code == ErrorCode.REQUEST_ALREADY_OPEN


def test_cancelling_a_cancelled_order_again_is_answered_with_the_order():
    assert decide(facts(OrderStatus.CANCELLED)) == CancelDecision.ALREADY_CANCELLED


def test_reason_must_come_from_the_list():
    with pytest.raises(DomainError) as err:
        check_reason("because", "", SHOPPER_CANCEL_REASONS)
    assert err.value.code == ErrorCode.VALIDATION_ERROR and "reason_code" in err.value.details


def test_reason_other_needs_text():
    with pytest.raises(DomainError) as err:
        check_reason("other", "  ", SHOPPER_CANCEL_REASONS)
    assert "reason_text" in err.value.details
    assert check_reason("other", "送人的，不需要了", SHOPPER_CANCEL_REASONS).summary == "其他：送人的，不需要了"


def test_listed_reason_without_text_is_fine():
    reason = check_reason("changed_mind", None, SHOPPER_CANCEL_REASONS)
    assert (reason.code, reason.label, reason.text) == ("changed_mind", "改变主意", "")


def test_customer_service_may_cancel_only_unpaid_orders():
    assert check_staff_cancel(facts(OrderStatus.PENDING_PAYMENT), "customer_service", POLICY) is False
    with pytest.raises(DomainError) as err:
        check_staff_cancel(facts(OrderStatus.PAID), "customer_service", POLICY)
    assert err.value.code == ErrorCode.FORBIDDEN


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_may_cancel_paid_and_accepted_orders(role):
    for status in (OrderStatus.PAID, OrderStatus.ACCEPTED):
        check_staff_cancel(facts(status, paid_fen=100), role, POLICY)


@pytest.mark.parametrize("role", ["finance", "warehouse"])
def test_other_roles_may_not_cancel(role):
    with pytest.raises(DomainError) as err:
        check_staff_cancel(facts(OrderStatus.PENDING_PAYMENT), role, POLICY)
    assert err.value.code == ErrorCode.FORBIDDEN


def test_staff_cancel_at_or_above_the_threshold_needs_the_password_again():
    threshold = POLICY.staff_cancel_recheck_fen
    assert check_staff_cancel(facts(paid_fen=threshold), "supervisor", POLICY) is True
    assert check_staff_cancel(facts(paid_fen=threshold - 1), "supervisor", POLICY) is False


def test_staff_cannot_cancel_shipped_orders():
    with pytest.raises(DomainError) as err:
        check_staff_cancel(facts(OrderStatus.SHIPPED), "admin", POLICY)
    assert err.value.code == ErrorCode.ORDER_NOT_CANCELLABLE


def test_staff_actions_follow_the_role():
    paid = facts(OrderStatus.PAID)
    assert "cancel" in staff_actions(paid, "supervisor", POLICY, NOW)
    assert "cancel" not in staff_actions(paid, "customer_service", POLICY, NOW)
    assert "cancel" in staff_actions(facts(OrderStatus.PENDING_PAYMENT), "customer_service", POLICY, NOW)
    requested = facts(OrderStatus.PAID, open_request_kind="cancel")
    assert {"approve_cancel", "reject_cancel", "offer_alternative"} <= set(staff_actions(requested, "supervisor", POLICY, NOW))
    assert "approve_cancel" not in staff_actions(requested, "customer_service", POLICY, NOW)
    assert "reject_cancel" in staff_actions(requested, "customer_service", POLICY, NOW)
    assert staff_actions(requested, "finance", POLICY, NOW) == []
    assert "ship" not in staff_actions(requested, "warehouse", POLICY, NOW)


def test_abnormal_refund_shows_retry_to_finance_only():
    failed = facts(OrderStatus.CANCELLED, refund_status=RefundStatus.REFUND_FAILED)
    assert "retry_refund" in staff_actions(failed, "finance", POLICY, NOW)
    assert "retry_refund" not in staff_actions(failed, "customer_service", POLICY, NOW)


def test_alternative_is_described_for_the_shopper():
    assert describe_alternative("faster_shipping", "顺丰次日达") == "加急发货（顺丰次日达）"
    assert describe_alternative("replacement_sku", "", "保温杯 500ml") == "更换商品：保温杯 500ml"
    assert describe_alternative("other", "赠送一张 10 元券") == "赠送一张 10 元券"
    for kind, message, replacement in (("coupon", "", None), ("replacement_sku", "", None), ("other", " ", None)):
        with pytest.raises(DomainError):
            describe_alternative(kind, message, replacement)


def test_rejection_always_says_why():
    with pytest.raises(DomainError) as err:
        check_decision_reason("  ")
    assert err.value.details == {"reason": "必填"}
    assert check_decision_reason(" 已打包出库 ") == "已打包出库"


def test_feedback_is_one_to_five_stars_once_on_a_cancelled_order():
    assert check_feedback(5, " 很快 ") == (5, "很快")
    for bad in (0, 6, "5", True, None):
        with pytest.raises(DomainError):
            check_feedback(bad, "")
    with pytest.raises(DomainError):
        ensure_feedback_allowed(facts(OrderStatus.PAID))
    with pytest.raises(DomainError) as err:
        ensure_feedback_allowed(facts(OrderStatus.CANCELLED, has_feedback=True))
    assert err.value.code == ErrorCode.CONFLICT
    ensure_feedback_allowed(facts(OrderStatus.CANCELLED))


def test_only_finished_orders_without_refund_in_progress_or_open_request_may_be_deleted():
    assert deletion_refusal(facts(OrderStatus.PAID)) == "只有已完成或已取消的订单可以删除"
    assert deletion_refusal(facts(OrderStatus.CANCELLED, refund_status=RefundStatus.REFUNDING)) == "退款处理中，暂不能删除订单"
    assert deletion_refusal(facts(OrderStatus.COMPLETED, open_request_kind="after_sale")) == "订单有待处理的申请，暂不能删除"
    assert deletion_refusal(facts(OrderStatus.CANCELLED, refund_status=RefundStatus.REFUNDED)) is None
    assert "delete" in shopper_actions(facts(OrderStatus.COMPLETED), POLICY, NOW)
    assert "delete" not in shopper_actions(facts(OrderStatus.COMPLETED, deleted_by_shopper=True), POLICY, NOW)


def test_the_shopper_may_withdraw_a_pending_request_and_answer_an_open_alternative_once():
    from shop.domain.cancellation import ensure_shopper_request_action, shopper_request_actions

    offer = {"kind": "faster_shipping", "text": "加急发货"}
    assert shopper_request_actions("pending", "modify", None) == ["withdraw"]
    assert shopper_request_actions("pending", "cancel", offer) == ["withdraw", "accept_alternative", "decline_alternative"]
    assert shopper_request_actions("pending", "cancel", {**offer, "answer": "declined"}) == ["withdraw"]
    assert shopper_request_actions("approved", "cancel", offer) == []
    with pytest.raises(DomainError) as refused:
        ensure_shopper_request_action("rejected", "cancel", None, "withdraw")
    assert refused.value.code.name == "REQUEST_ALREADY_DECIDED"
    with pytest.raises(DomainError) as refused:
        ensure_shopper_request_action("pending", "cancel", None, "accept_alternative")
    assert refused.value.code.name == "ORDER_ACTION_NOT_ALLOWED"

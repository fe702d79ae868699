"""After-sales rules (A1, A3, R5) as plain functions."""
from datetime import datetime, timedelta, timezone

import pytest

from shop.domain.after_sales import (AfterSaleType, ApprovalFacts, CaseFacts, CaseStatus, OrderForAfterSale,
                                     automatic_approval_blockers, ensure_can_apply, ensure_staff_case_action,
                                     on_reply_overdue, reasons_for_picker, shopper_case_actions, staff_case_actions,
                                     status_after_approval, status_after_receipt, validate_lines, validate_photos,
                                     validate_shipment)
from shop.domain.errors import DomainError
from shop.domain.orders import OrderStatus
from shop.domain.policy import Policy

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
POLICY = Policy()


def completed(days_ago: float) -> OrderForAfterSale:
    return OrderForAfterSale(OrderStatus.COMPLETED, NOW - timedelta(days=days_ago))


def refused(order, case_type, reason) -> DomainError:
    with pytest.raises(DomainError) as caught:
        ensure_can_apply(order, case_type, reason, POLICY, NOW)
    return caught.value


def test_no_reason_return_is_allowed_within_seven_days_of_receipt():
    ensure_can_apply(completed(6.9), AfterSaleType.RETURN_REFUND, "no_reason", POLICY, NOW)
    error = refused(completed(7.1), AfterSaleType.RETURN_REFUND, "no_reason")
    assert error.code.name == "AFTER_SALE_WINDOW_CLOSED" and "7 天" in error.message


def test_quality_problems_get_the_longer_window():
    ensure_can_apply(completed(14), AfterSaleType.EXCHANGE, "quality_issue", POLICY, NOW)
    ensure_can_apply(completed(14), AfterSaleType.REPAIR, "damaged", POLICY, NOW)
    assert refused(completed(16), AfterSaleType.REPAIR, "quality_issue").code.name == "AFTER_SALE_WINDOW_CLOSED"


def test_before_receipt_only_refund_only_is_possible():
    for status in (OrderStatus.PAID, OrderStatus.ACCEPTED, OrderStatus.SHIPPED):
        order = OrderForAfterSale(status, None)
        ensure_can_apply(order, AfterSaleType.REFUND_ONLY, "not_received", POLICY, NOW)
        assert "仅退款" in refused(order, AfterSaleType.RETURN_REFUND, "no_reason").message


def test_unpaid_and_cancelled_orders_have_no_after_sales():
    for status in (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED):
        error = refused(OrderForAfterSale(status, None), AfterSaleType.REFUND_ONLY, "not_wanted")
        assert error.code.name == "AFTER_SALE_NOT_ALLOWED"


def test_unknown_reason_is_a_validation_error():
    assert refused(completed(1), AfterSaleType.REFUND_ONLY, "because").code.name == "VALIDATION_ERROR"


def test_every_reason_has_a_chinese_label():
    assert all(r["label"] and not r["label"].isascii() for r in reasons_for_picker())


def facts(**changes) -> ApprovalFacts:
    base = dict(case_type=AfterSaleType.REFUND_ONLY, reason_code="not_wanted", order_status=OrderStatus.PAID,
                amount_fen=1000, watchlisted=False)
    return ApprovalFacts(**{**base, **changes})


def test_unshipped_small_undisputed_refund_only_is_approved_automatically():
    assert automatic_approval_blockers(facts(), POLICY) == []


@pytest.mark.parametrize("changes, blocker", [
    ({"case_type": AfterSaleType.RETURN_REFUND}, "需要寄回商品"),
    ({"order_status": OrderStatus.SHIPPED}, "订单已发货"),
    ({"amount_fen": POLICY.auto_refund_max_fen + 1}, "退款金额超过自动审核上限"),
    ({"reason_code": "used"}, "争议原因需人工审核"),
    ({"reason_code": "not_as_described"}, "争议原因需人工审核"),
    ({"reason_code": "quality_issue"}, "争议原因需人工审核"),
    ({"watchlisted": True}, "顾客在重点监控名单"),
])
def test_each_r5_condition_sends_the_case_to_a_person(changes, blocker):
    assert blocker in automatic_approval_blockers(facts(**changes), POLICY)


def test_overdue_case_is_escalated_unless_the_setting_allows_automatic_approval():
    assert on_reply_overdue(facts(), POLICY) == "escalate"
    lenient = Policy(after_sale_timeout_auto_approve=True)
    assert on_reply_overdue(facts(case_type=AfterSaleType.RETURN_REFUND), lenient) == "approve"


def test_a_timeout_never_approves_a_disputed_case_or_a_watchlisted_shopper():
    lenient = Policy(after_sale_timeout_auto_approve=True)
    assert on_reply_overdue(facts(reason_code="used"), lenient) == "escalate"
    assert on_reply_overdue(facts(watchlisted=True), lenient) == "escalate"


def test_what_follows_approval_and_receipt_depends_on_the_type():
    assert status_after_approval(AfterSaleType.REFUND_ONLY) is CaseStatus.COMPLETED
    assert status_after_approval(AfterSaleType.EXCHANGE) is CaseStatus.AWAITING_RETURN
    assert status_after_receipt(AfterSaleType.RETURN_REFUND) is CaseStatus.COMPLETED
    assert status_after_receipt(AfterSaleType.EXCHANGE).label == "换货中"
    assert status_after_receipt(AfterSaleType.REPAIR).label == "维修中"


def test_requested_lines_are_merged_and_limited_to_units_still_open():
    assert validate_lines([(1, 1), (1, 1), (2, 3)], {1: 2, 2: 3}) == [(1, 2), (2, 3)]
    with pytest.raises(DomainError, match="最多 2 件"):
        validate_lines([(1, 3)], {1: 2})
    with pytest.raises(DomainError, match="不属于该订单"):
        validate_lines([(9, 1)], {1: 2})
    with pytest.raises(DomainError, match="请选择售后商品"):
        validate_lines([], {1: 2})


def test_photos_must_be_urls_and_at_most_nine():
    assert validate_photos([" https://a/1.jpg ", ""]) == ["https://a/1.jpg"]
    with pytest.raises(DomainError):
        validate_photos(["javascript:alert(1)"])
    with pytest.raises(DomainError):
        validate_photos([f"https://a/{i}.jpg" for i in range(10)])


def test_return_shipment_needs_a_carrier_and_a_plausible_tracking_number():
    assert validate_shipment(" 顺丰速运 ", "SF1234567") == ("顺丰速运", "SF1234567")
    with pytest.raises(DomainError) as caught:
        validate_shipment("", "12")
    assert set(caught.value.details) == {"carrier", "tracking_no"}


# ---- what staff may do to a case (the admin's buttons) ----------------------------------------

def case(case_type: AfterSaleType, status: CaseStatus) -> CaseFacts:
    return CaseFacts(case_type, status)


def test_a_pending_case_is_approved_rejected_or_negotiated_by_reviewers_only():
    pending = case(AfterSaleType.RETURN_REFUND, CaseStatus.PENDING)
    for role in ("customer_service", "supervisor", "admin"):
        assert staff_case_actions(pending, role) == ["approve", "reject", "propose"]
    assert staff_case_actions(pending, "warehouse") == []
    assert staff_case_actions(pending, "finance") == []


def test_returned_goods_are_received_by_the_warehouse_or_an_administrator():
    for status in (CaseStatus.AWAITING_RETURN, CaseStatus.RETURNING):
        for case_type in (AfterSaleType.RETURN_REFUND, AfterSaleType.EXCHANGE, AfterSaleType.REPAIR):
            assert staff_case_actions(case(case_type, status), "warehouse") == ["receive"]
            assert staff_case_actions(case(case_type, status), "admin") == ["receive"]
            assert staff_case_actions(case(case_type, status), "customer_service") == []


def test_a_replacement_is_shipped_only_for_an_exchange_being_exchanged():
    assert staff_case_actions(case(AfterSaleType.EXCHANGE, CaseStatus.EXCHANGING), "warehouse") == ["ship_replacement"]
    assert staff_case_actions(case(AfterSaleType.EXCHANGE, CaseStatus.EXCHANGING), "supervisor") == []


def test_a_repaired_item_is_returned_only_for_a_repair_in_progress():
    assert staff_case_actions(case(AfterSaleType.REPAIR, CaseStatus.REPAIRING), "warehouse") == ["return_repaired"]
    assert staff_case_actions(case(AfterSaleType.REPAIR, CaseStatus.REPAIRING), "finance") == []


def test_finished_cases_offer_staff_nothing():
    for status in (CaseStatus.COMPLETED, CaseStatus.REJECTED):
        for case_type in AfterSaleType:
            assert staff_case_actions(case(case_type, status), "admin") == []


def test_an_action_not_offered_is_refused_as_forbidden_or_wrong_state():
    returning = case(AfterSaleType.RETURN_REFUND, CaseStatus.RETURNING)
    ensure_staff_case_action(returning, "warehouse", "receive")
    with pytest.raises(DomainError) as caught:
        ensure_staff_case_action(returning, "customer_service", "receive")
    assert caught.value.code.name == "FORBIDDEN"
    with pytest.raises(DomainError) as caught:
        ensure_staff_case_action(returning, "admin", "approve")
    assert caught.value.code.name == "AFTER_SALE_WRONG_STATE" and "商品寄回中" in caught.value.message
    with pytest.raises(DomainError) as caught:
        ensure_staff_case_action(returning, "admin", "return_repaired")
    assert caught.value.code.name == "AFTER_SALE_WRONG_STATE" and "退货退款" in caught.value.message


def test_the_shopper_enters_the_return_tracking_number_while_the_goods_are_due_or_on_their_way():
    assert shopper_case_actions(case(AfterSaleType.EXCHANGE, CaseStatus.AWAITING_RETURN)) == ["submit_return_shipment"]
    assert shopper_case_actions(case(AfterSaleType.EXCHANGE, CaseStatus.RETURNING)) == ["submit_return_shipment"]
    assert shopper_case_actions(case(AfterSaleType.EXCHANGE, CaseStatus.EXCHANGING)) == []


def test_the_shopper_may_withdraw_a_case_only_before_staff_decide():
    assert shopper_case_actions(case(AfterSaleType.REFUND_ONLY, CaseStatus.PENDING)) == ["withdraw"]
    assert shopper_case_actions(case(AfterSaleType.REFUND_ONLY, CaseStatus.WITHDRAWN)) == []

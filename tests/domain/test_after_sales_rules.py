"""After-sales rules (A1, A3, R5) as plain functions."""
from datetime import datetime, timedelta, timezone

import pytest

from shop.domain.after_sales import (AfterSaleType, ApprovalFacts, CaseStatus, OrderForAfterSale,
                                     automatic_approval_blockers, ensure_can_apply, on_reply_overdue,
                                     reasons_for_picker, status_after_approval, status_after_receipt,
                                     validate_lines, validate_photos, validate_shipment)
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

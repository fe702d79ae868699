"""A4 proposals and A5 deadlines as plain rules."""
from datetime import datetime, timedelta

import pytest

from shop.domain.after_sales import (AfterSaleType, CaseFacts, CaseStatus, build_proposal, deadline_after,
                                     deadline_label, ensure_case_limit, on_deadline, proposal_refund_fen,
                                     shopper_case_actions)
from shop.domain.errors import DomainError
from shop.domain.orders import OrderStatus
from shop.domain.policy import Policy
from shop.domain.refund_policy import RefundAction, RefundCase

NOW = datetime(2026, 5, 1, 12, 0)
POLICY = Policy()


def test_the_countdown_reads_in_days_and_hours_then_hours_and_minutes_then_minutes():
    assert deadline_label(NOW + timedelta(days=1, hours=3, minutes=20), NOW) == "还剩 1天3小时"
    assert deadline_label(NOW + timedelta(hours=5, minutes=20), NOW) == "还剩 5小时20分"
    assert deadline_label(NOW + timedelta(minutes=12, seconds=30), NOW) == "还剩 12分钟"
    assert deadline_label(NOW + timedelta(seconds=20), NOW) == "还剩 1分钟"
    assert deadline_label(NOW, NOW) == "已超时"
    assert deadline_label(None, NOW) is None


def test_every_stage_has_its_clock_from_the_settings():
    assert deadline_after(CaseStatus.PENDING, NOW, POLICY) == NOW + timedelta(hours=48)
    assert deadline_after(CaseStatus.NEGOTIATING, NOW, POLICY) == NOW + timedelta(hours=48)
    assert deadline_after(CaseStatus.AWAITING_RETURN, NOW, POLICY) == NOW + timedelta(days=7)
    assert deadline_after(CaseStatus.RETURNING, NOW, Policy(after_sale_receipt_days=3)) == NOW + timedelta(days=3)
    assert deadline_after(CaseStatus.COMPLETED, NOW, POLICY) is None


def refund(amount=5000, watchlisted=False):
    return RefundCase(RefundAction.AFTER_SALE, "system", OrderStatus.COMPLETED, 0, amount, watchlisted, True)


def test_what_happens_when_a_clock_runs_out():
    assert on_deadline(CaseStatus.NEGOTIATING, AfterSaleType.RETURN_REFUND, refund(), POLICY) == "decline"
    assert on_deadline(CaseStatus.AWAITING_RETURN, AfterSaleType.EXCHANGE, refund(), POLICY) == "close"
    assert on_deadline(CaseStatus.RETURNING, AfterSaleType.RETURN_REFUND, refund(), POLICY) == "refund"


def test_a_return_never_received_is_refunded_automatically_only_when_the_refund_policy_allows_it():
    assert on_deadline(CaseStatus.RETURNING, AfterSaleType.RETURN_REFUND, refund(watchlisted=True), POLICY) == "escalate"
    too_much = refund(POLICY.auto_refund_max_fen + 1)
    assert on_deadline(CaseStatus.RETURNING, AfterSaleType.RETURN_REFUND, too_much, POLICY) == "escalate"
    assert on_deadline(CaseStatus.RETURNING, AfterSaleType.EXCHANGE, refund(), POLICY) == "escalate"


def test_at_most_the_set_number_of_cases_per_order_line():
    ensure_case_limit({7: 2}, [(7, 1)], POLICY)
    with pytest.raises(DomainError) as caught:
        ensure_case_limit({7: 3}, [(8, 1), (7, 1)], POLICY)
    assert caught.value.code.name == "AFTER_SALE_NOT_ALLOWED" and "3 次" in caught.value.message
    ensure_case_limit({7: 3}, [(7, 1)], Policy(after_sale_max_cases_per_line=4))


def test_a_change_to_refund_only_keeps_the_goods_and_may_lower_the_amount():
    proposal = build_proposal("change_type", AfterSaleType.RETURN_REFUND, 9900, 5000, "")
    assert proposal["type"] == "refund_only" and proposal_refund_fen(proposal) == 5000
    assert proposal["text"] == "商家建议改为仅退款，商品无需寄回，退款 ¥50.00"
    assert build_proposal("change_type", AfterSaleType.RETURN_REFUND, 9900, None, "")["amount_fen"] == 9900
    with pytest.raises(DomainError):
        build_proposal("change_type", AfterSaleType.EXCHANGE, 0, None, "")


def test_a_partial_refund_is_more_than_nothing_and_less_than_asked():
    assert build_proposal("change_amount", AfterSaleType.REFUND_ONLY, 9900, 1, "")["amount_fen"] == 1
    for amount in (None, 0, 9900, 9901):
        with pytest.raises(DomainError) as caught:
            build_proposal("change_amount", AfterSaleType.REFUND_ONLY, 9900, amount, "")
        assert caught.value.code.name == "VALIDATION_ERROR"
    with pytest.raises(DomainError):
        build_proposal("change_amount", AfterSaleType.REPAIR, 0, 100, "")


def test_asking_for_evidence_or_a_withdrawal_says_why_and_moves_no_money():
    with pytest.raises(DomainError):
        build_proposal("more_evidence", AfterSaleType.RETURN_REFUND, 9900, None, " ")
    proposal = build_proposal("withdraw", AfterSaleType.RETURN_REFUND, 9900, None, "可免费维修")
    assert proposal_refund_fen(proposal) == 0 and proposal["text"] == "商家建议您撤销本次售后申请：可免费维修"
    with pytest.raises(DomainError):
        build_proposal("discount", AfterSaleType.RETURN_REFUND, 9900, None, "x")


def test_the_shopper_answers_a_proposal_or_sends_the_evidence_asked_for():
    negotiating = CaseFacts(AfterSaleType.RETURN_REFUND, CaseStatus.NEGOTIATING, "change_amount")
    assert shopper_case_actions(negotiating) == ["accept_proposal", "decline_proposal"]
    evidence = CaseFacts(AfterSaleType.RETURN_REFUND, CaseStatus.NEGOTIATING, "more_evidence")
    assert shopper_case_actions(evidence) == ["add_evidence", "decline_proposal"]
    assert shopper_case_actions(CaseFacts(AfterSaleType.RETURN_REFUND, CaseStatus.CLOSED)) == []

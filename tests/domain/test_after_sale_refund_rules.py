"""Refund rules as data (A6): each condition a rule may name, what never matches, and how the single refund
policy (R12) and R5's automatic approval use them."""
import pytest

from shop.domain.after_sale_rules import DEFAULT_RULE, RuleSubject, matching_rule, validate_rule
from shop.domain.after_sales import AfterSaleType, ApprovalFacts, automatic_approval, order_stage
from shop.domain.errors import DomainError
from shop.domain.orders import OrderStatus
from shop.domain.policy import Policy
from shop.domain.refund_policy import RefundAction, RefundCase, Verdict, decide_refund

REASONS = {"not_wanted": "不想要了", "damaged": "商品破损", "no_reason": "七天无理由退换"}
FRESH = 7


def rule(**changes) -> dict:
    base = {"id": 1, "name": "小额自动同意", "enabled": True, "effect": "auto_approve", "max_amount_fen": None,
            "reasons": [], "category_ids": [], "stages": [], "trust": "any", "min_completed_orders": None,
            "max_refund_rate_percent": None}
    return {**base, **changes}


def subject(**changes) -> RuleSubject:
    base = dict(case_type="refund_only", reason_code="not_wanted", disputed=False, category_ids=frozenset({FRESH}),
                stage="delivered", allow_listed=False, completed_orders=0, refund_rate_percent=0)
    return RuleSubject(**{**base, **changes})


def matches(a_rule: dict, amount_fen: int = 1000, watchlisted: bool = False, **who) -> bool:
    return matching_rule([a_rule], subject(**who), amount_fen, watchlisted) is not None


def test_a_rule_by_amount_matches_up_to_its_ceiling_only():
    small = rule(max_amount_fen=3000)
    assert matches(small, 3000) and not matches(small, 3001)


def test_a_rule_by_reason_matches_only_the_reasons_it_names():
    damaged = rule(reasons=["damaged"])
    assert matches(damaged, reason_code="damaged") and not matches(damaged, reason_code="not_wanted")


def test_a_rule_by_category_needs_every_unit_of_the_case_in_a_chosen_category():
    fresh = rule(category_ids=[FRESH])
    assert matches(fresh) and not matches(fresh, category_ids=frozenset({FRESH, 8}))


def test_a_rule_by_stage_matches_only_its_stages():
    before = rule(stages=["unshipped"])
    assert matches(before, stage="unshipped") and not matches(before, stage="delivered")
    assert order_stage(OrderStatus.PAID) == "unshipped" and order_stage(OrderStatus.COMPLETED) == "delivered"
    assert order_stage(OrderStatus.SHIPPED) == "shipped"


def test_trust_by_allow_list_or_by_history():
    listed = rule(trust="allow_listed")
    assert matches(listed, allow_listed=True) and not matches(listed, allow_listed=False)
    history = rule(trust="history", min_completed_orders=3, max_refund_rate_percent=20)
    assert matches(history, completed_orders=3, refund_rate_percent=20)
    assert not matches(history, completed_orders=2, refund_rate_percent=0)
    assert not matches(history, completed_orders=9, refund_rate_percent=21)
    either = rule(trust="allow_listed_or_history", min_completed_orders=5)
    assert matches(either, allow_listed=True) and matches(either, completed_orders=5)
    assert not matches(either, completed_orders=4)


def test_a_flagged_shopper_never_matches_even_the_widest_rule():
    assert matches(rule()) and not matches(rule(), watchlisted=True)
    assert not matches(rule(trust="allow_listed"), watchlisted=True, allow_listed=True)


def test_a_disputed_reason_or_a_disabled_rule_never_matches():
    assert not matches(rule(), disputed=True, reason_code="quality_issue")
    assert not matches(rule(enabled=False))


def test_each_effect_applies_to_its_case_types():
    assert matches(rule(effect="auto_approve"), case_type="return_refund")
    assert matches(rule(effect="no_return"), case_type="return_refund")
    assert not matches(rule(effect="instant_refund", trust="allow_listed", max_amount_fen=5000),
                       case_type="return_refund", allow_listed=True)


def test_the_first_matching_rule_in_the_administrators_order_wins():
    rules = [rule(id=1, name="破损", reasons=["damaged"]), rule(id=2, name="兜底"), rule(id=3, name="第三")]
    assert matching_rule(rules, subject(), 1000, False).name == "兜底"


def facts(**changes) -> ApprovalFacts:
    base = dict(case_type=AfterSaleType.RETURN_REFUND, reason_code="not_wanted", order_status=OrderStatus.COMPLETED,
                amount_fen=2000, watchlisted=False, subject=subject(case_type="return_refund"))
    return ApprovalFacts(**{**base, **changes})


def test_a_matching_rule_approves_a_delivered_return_that_r5_alone_would_send_to_a_person():
    fresh = Policy(after_sale_rules=[rule(name="生鲜免退货", effect="no_return", category_ids=[FRESH])])
    decision = automatic_approval(facts(), fresh)
    assert decision.approved and decision.rule.name == "生鲜免退货" and decision.rule.refunds_without_return
    assert decision.rule.decision_text == "按规则「生鲜免退货」自动同意"
    assert not automatic_approval(facts(), Policy()).approved


def test_the_refund_policy_asks_the_rules_but_never_past_the_automatic_ceiling():
    policy = Policy(auto_refund_max_fen=5000, after_sale_rules=[rule(name="全部自动")])
    case = RefundCase(RefundAction.AFTER_SALE, "system", OrderStatus.COMPLETED, 4000, 2000, subject=subject())
    over = decide_refund(case, policy)
    assert over.verdict is Verdict.REVIEW and over.rule is None and "退款金额超过自动审核上限" in over.reasons
    under = decide_refund(RefundCase(RefundAction.AFTER_SALE, "system", OrderStatus.COMPLETED, 0, 2000,
                                     subject=subject()), policy)
    assert under.automatic and under.rule.name == "全部自动"


def test_staff_refunds_are_never_decided_by_shopper_rules():
    policy = Policy(staff_cancel_recheck_fen=1000, after_sale_rules=[rule()])
    staff = RefundCase(RefundAction.AFTER_SALE, "supervisor", OrderStatus.COMPLETED, 0, 2000, subject=subject())
    assert decide_refund(staff, policy).verdict is Verdict.PASSWORD


def test_r5s_own_automatic_approval_records_the_built_in_rule():
    decision = automatic_approval(facts(case_type=AfterSaleType.REFUND_ONLY, order_status=OrderStatus.PAID,
                                        subject=None), Policy())
    assert decision.approved and decision.rule == DEFAULT_RULE


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"effect": "pay_everything"}, "effect"),
    ({"reasons": ["used"]}, "reasons"),          # a disputed reason is not offered
    ({"category_ids": [99]}, "category_ids"),
    ({"stages": ["lost"]}, "stages"),
    ({"max_refund_rate_percent": 101}, "max_refund_rate_percent"),
    ({"effect": "instant_refund", "trust": "any", "max_amount_fen": 1000}, "trust"),
    ({"effect": "instant_refund", "trust": "allow_listed"}, "trust"),
    ({"trust": "history"}, "min_completed_orders"),
])
def test_an_invalid_rule_is_refused_in_chinese(changes, field):
    with pytest.raises(DomainError) as refused:
        validate_rule(rule(**changes), 1, REASONS, {FRESH})
    assert field in refused.value.details and not refused.value.message.isascii()

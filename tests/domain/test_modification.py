"""M1–M3 as rules: what may change, in which state, and when staff must agree."""
from datetime import datetime, timezone

import pytest

from shop.domain.errors import DomainError, ErrorCode
from shop.domain.modification import LineState, plan_modification, what_is_modifiable
from shop.domain.orders import OrderFacts, OrderStatus, RefundStatus, staff_actions
from shop.domain.policy import Policy

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
CURRENT = {"receiver_name": "张三", "receiver_phone": "13800138000", "province": "广东省", "city": "深圳市",
           "district": "南山区", "address_detail": "科技园路 1 号 2 栋 301", "remark": ""}
LINES = {1: LineState(1, "保温杯", 3, 0), 2: LineState(2, "毛巾", 1, 0)}


def facts(status, open_request_kind=None) -> OrderFacts:
    return OrderFacts(status=status, refund_status=RefundStatus.NONE, paid_fen=0, refunded_fen=0,
                      paid_at=NOW if status != OrderStatus.PENDING_PAYMENT else None, accepted_at=None,
                      shipped_at=None, completed_at=None, open_request_kind=open_request_kind)


def plan(status, changes, lines=LINES, open_request_kind=None):
    return plan_modification(facts(status, open_request_kind), CURRENT, lines, changes)


def test_unpaid_order_may_change_address_and_raise_quantities_at_once():
    p = plan(OrderStatus.PENDING_PAYMENT, {"receiver_phone": "13900139000", "lines": [{"line_id": 1, "quantity": 5}]})
    assert p.fields == {"receiver_phone": ("13800138000", "13900139000")}
    assert [(q.line_id, q.before, q.after) for q in p.quantities] == [(1, 3, 5)]
    assert p.needs_review is False


def test_paid_order_increase_is_refused():
    with pytest.raises(DomainError) as err:
        plan(OrderStatus.PAID, {"lines": [{"line_id": 1, "quantity": 4}]})
    assert err.value.code == ErrorCode.ORDER_NOT_MODIFIABLE
    assert err.value.message == "已支付订单不能增加数量，请另行下单"


def test_paid_order_decrease_counts_from_units_not_yet_refunded():
    lines = {1: LineState(1, "保温杯", 3, 1)}
    p = plan(OrderStatus.PAID, {"lines": [{"line_id": 1, "quantity": 1}]}, lines=lines)
    assert [(q.before, q.after, q.delta) for q in p.quantities] == [(2, 1, -1)]


def test_change_after_acceptance_needs_staff_agreement():
    assert plan(OrderStatus.ACCEPTED, {"remark": "请周末送"}).needs_review is True
    assert plan(OrderStatus.PAID, {"remark": "请周末送"}).needs_review is False


def test_a_change_staff_make_themselves_applies_at_once():
    staff_plan = plan_modification(facts(OrderStatus.ACCEPTED), CURRENT, LINES, {"remark": "请周末送"}, by_staff=True)
    assert staff_plan.needs_review is False


@pytest.mark.parametrize("role, may", [("customer_service", True), ("supervisor", True), ("admin", True),
                                       ("warehouse", False), ("finance", False)])
def test_staff_modify_button_before_shipping_for_order_modifying_roles(role, may):
    for status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.ACCEPTED):
        assert ("modify" in staff_actions(facts(status), role, Policy(), NOW)) is may
    assert "modify" not in staff_actions(facts(OrderStatus.SHIPPED), role, Policy(), NOW)
    assert "modify" not in staff_actions(facts(OrderStatus.PAID, "cancel"), role, Policy(), NOW)


@pytest.mark.parametrize("status,message", [(OrderStatus.SHIPPED, "订单已发货，无法修改，如有问题请申请售后"),
                                            (OrderStatus.COMPLETED, "订单已发货，无法修改，如有问题请申请售后"),
                                            (OrderStatus.CANCELLED, "订单已取消，无法修改")])
def test_shipped_or_finished_orders_are_not_modifiable(status, message):
    with pytest.raises(DomainError) as err:
        plan(status, {"remark": "x"})
    assert err.value.code == ErrorCode.ORDER_NOT_MODIFIABLE and err.value.message == message


def test_open_request_blocks_another_change():
    with pytest.raises(DomainError) as err:
        plan(OrderStatus.ACCEPTED, {"remark": "x"}, open_request_kind="modify")
    assert err.value.code == ErrorCode.REQUEST_ALREADY_OPEN


def test_phone_and_address_are_validated_with_field_details():
    with pytest.raises(DomainError) as err:
        plan(OrderStatus.PAID, {"receiver_phone": "12345", "address_detail": "短"})
    assert err.value.code == ErrorCode.VALIDATION_ERROR
    assert set(err.value.details) == {"receiver_phone", "address_detail"}


def test_quantities_must_be_sane_and_lines_must_belong_to_the_order():
    for bad in ([{"line_id": 9, "quantity": 1}], [{"line_id": 1, "quantity": 0}],
                [{"line_id": 1, "quantity": 1000}], [{"line_id": 1, "quantity": 2}, {"line_id": 1, "quantity": 1}]):
        with pytest.raises(DomainError) as err:
            plan(OrderStatus.PENDING_PAYMENT, {"lines": bad})
        assert err.value.code == ErrorCode.VALIDATION_ERROR


def test_nothing_to_change_is_refused():
    with pytest.raises(DomainError) as err:
        plan(OrderStatus.PAID, {"receiver_name": " 张三 ", "lines": [{"line_id": 2, "quantity": 1}]})
    assert err.value.message == "没有需要修改的内容"


def test_plan_records_before_and_after():
    p = plan(OrderStatus.PAID, {"city": "广州市", "lines": [{"line_id": 1, "quantity": 2}]})
    assert p.before_after() == {"city": {"before": "深圳市", "after": "广州市"},
                                "lines": [{"line_id": 1, "before": 3, "after": 2}]}
    assert p.as_changes() == {"city": "广州市", "lines": [{"line_id": 1, "quantity": 2}]}


def test_shopper_is_shown_what_is_modifiable():
    unpaid = what_is_modifiable(facts(OrderStatus.PENDING_PAYMENT))
    assert unpaid["allowed"] and unpaid["increase_quantity"] and not unpaid["needs_review"]
    paid = what_is_modifiable(facts(OrderStatus.PAID))
    assert paid["quantities"] and not paid["increase_quantity"]
    assert what_is_modifiable(facts(OrderStatus.ACCEPTED))["needs_review"] is True
    shipped = what_is_modifiable(facts(OrderStatus.SHIPPED))
    assert shipped["allowed"] is False and shipped["fields"] == []

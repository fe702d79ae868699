"""Modifying an order (M1–M3): what may change, in which state, and whether staff must agree.

Receiver, phone, address, remark and item quantities may change until the order ships; prices and
promotions never. On a paid order a quantity may only go down (the difference is refunded); after
the warehouse accepted the order a change becomes a request staff decide.
"""
from __future__ import annotations

from dataclasses import dataclass

from .addresses import validate_address
from .errors import DomainError, ErrorCode
from .orders import OrderFacts, OrderStatus, UNSHIPPED
from .permissions import is_allowed

# Order column -> the address rule's field name.
ADDRESS_FIELDS = {
    "receiver_name": "receiver", "receiver_phone": "phone", "province": "province", "city": "city",
    "district": "district", "address_detail": "detail",
}
TEXT_FIELDS = (*ADDRESS_FIELDS, "remark")
REMARK_MAX = 200
QUANTITY_MAX = 999


@dataclass(frozen=True)
class LineState:
    line_id: int
    name: str
    quantity: int
    refunded_quantity: int

    @property
    def active_quantity(self) -> int:
        """Units still bought: a paid order's decreases are refunded units, not a smaller line."""
        return self.quantity - self.refunded_quantity


@dataclass(frozen=True)
class QuantityChange:
    line_id: int
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class ModificationPlan:
    fields: dict[str, tuple[str, str]]  # column -> (before, after)
    quantities: tuple[QuantityChange, ...]
    needs_review: bool

    def as_changes(self) -> dict:
        """The requested change in the API's own shape (stored on a modification request)."""
        changes: dict = {name: after for name, (_, after) in self.fields.items()}
        if self.quantities:
            changes["lines"] = [{"line_id": q.line_id, "quantity": q.after} for q in self.quantities]
        return changes

    def before_after(self) -> dict:
        """What an order event records."""
        data: dict = {name: {"before": before, "after": after} for name, (before, after) in self.fields.items()}
        if self.quantities:
            data["lines"] = [{"line_id": q.line_id, "before": q.before, "after": q.after} for q in self.quantities]
        return data


def is_paid(facts: OrderFacts) -> bool:
    return facts.status != OrderStatus.PENDING_PAYMENT


def is_modifiable(facts: OrderFacts) -> bool:
    """M1: before shipping, and not while another request on the order waits for a decision."""
    return facts.status in UNSHIPPED and facts.open_request_kind is None


def staff_may_modify(facts: OrderFacts, role: str) -> bool:
    return is_allowed(role, "order.modify") and is_modifiable(facts)


def what_is_modifiable(facts: OrderFacts) -> dict:
    """M1, shown to the shopper: which parts of the order they may change now."""
    allowed = is_modifiable(facts)
    hint = ""
    if facts.status in UNSHIPPED and facts.open_request_kind is not None:
        hint = "订单有待处理的申请，处理完成后才能修改"
    elif not allowed:
        hint = "订单已发货或已结束，不能修改"
    elif facts.status == OrderStatus.ACCEPTED:
        hint = "商家已受理，修改需商家同意"
    elif is_paid(facts):
        hint = "已支付订单只能减少商品数量，差价将原路退回"
    return {
        "allowed": allowed,
        "fields": list(TEXT_FIELDS) if allowed else [],
        "quantities": allowed,
        "increase_quantity": allowed and not is_paid(facts),
        "needs_review": allowed and facts.status == OrderStatus.ACCEPTED,
        "hint": hint,
    }


def ensure_modifiable(facts: OrderFacts) -> None:
    if facts.status == OrderStatus.CANCELLED:
        raise DomainError(ErrorCode.ORDER_NOT_MODIFIABLE, "订单已取消，无法修改")
    if facts.status not in UNSHIPPED:
        raise DomainError(ErrorCode.ORDER_NOT_MODIFIABLE, "订单已发货，无法修改，如有问题请申请售后")
    if facts.open_request_kind is not None:
        raise DomainError(ErrorCode.REQUEST_ALREADY_OPEN, "订单有待处理的申请，请等待商家处理后再修改")


def plan_modification(facts: OrderFacts, current: dict[str, str], lines: dict[int, LineState],
                      changes: dict, *, by_staff: bool = False) -> ModificationPlan:
    """Check a requested change against M1/M2 and say what actually changes. Raises on any problem.

    M3's review is staff agreeing to a shopper's change, so a change staff make themselves applies at once.
    """
    ensure_modifiable(facts)
    fields = _field_changes(current, changes)
    quantities = _quantity_changes(facts, lines, changes.get("lines") or [])
    if not fields and not quantities:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "没有需要修改的内容")
    return ModificationPlan(fields, quantities, needs_review=not by_staff and facts.status == OrderStatus.ACCEPTED)


def _field_changes(current: dict[str, str], changes: dict) -> dict[str, tuple[str, str]]:
    wanted = {name: (changes[name] or "").strip() for name in TEXT_FIELDS if changes.get(name) is not None}
    problems: dict[str, str] = {}
    if any(name in ADDRESS_FIELDS for name in wanted):
        merged = {rule: wanted.get(column, current[column]) for column, rule in ADDRESS_FIELDS.items()}
        by_rule = validate_address(merged)
        problems.update({column: by_rule[rule] for column, rule in ADDRESS_FIELDS.items() if rule in by_rule})
    if len(wanted.get("remark", "")) > REMARK_MAX:
        problems["remark"] = f"备注不能超过 {REMARK_MAX} 字"
    if problems:
        raise DomainError(ErrorCode.VALIDATION_ERROR, next(iter(problems.values())), problems)
    return {name: (current[name], value) for name, value in wanted.items() if value != current[name]}


def _quantity_changes(facts: OrderFacts, lines: dict[int, LineState], wanted: list[dict]) -> tuple[QuantityChange, ...]:
    seen: set[int] = set()
    result = []
    for item in wanted:
        line_id, quantity = item.get("line_id"), item.get("quantity")
        line = lines.get(line_id)
        if line is None or line_id in seen:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "订单中没有该商品", {"lines": f"商品 {line_id} 不在订单中或重复"})
        seen.add(line_id)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= QUANTITY_MAX:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "商品数量须在 1 到 999 之间；不需要全部商品请取消订单",
                              {"lines": "数量须在 1 到 999 之间"})
        if quantity == line.active_quantity:
            continue
        if quantity > line.active_quantity and is_paid(facts):
            raise DomainError(ErrorCode.ORDER_NOT_MODIFIABLE, "已支付订单不能增加数量，请另行下单")
        result.append(QuantityChange(line_id, line.active_quantity, quantity))
    return tuple(result)

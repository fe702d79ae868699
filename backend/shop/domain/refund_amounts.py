"""R2: how much money goes back for which units, exact to the fen.

A line's payable amount (goods minus its share of the coupon) is split across its units with
`money.allocate`; units are refunded in order, so refunding every unit of every line, in any
sequence of partial refunds, adds up exactly to what was paid for the goods. The shipping fee
goes back only when nothing was shipped and the whole order is refunded.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import DomainError, ErrorCode
from .money import allocate


@dataclass(frozen=True)
class LineAmounts:
    payable_fen: int
    quantity: int
    refunded_quantity: int


def unit_shares(line: LineAmounts) -> list[int]:
    return allocate(line.payable_fen, [1] * line.quantity)


def line_refund_fen(line: LineAmounts, quantity: int) -> int:
    """Refund for the next `quantity` not-yet-refunded units of the line."""
    if quantity < 1 or line.refunded_quantity + quantity > line.quantity:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "退款数量超出可退数量")
    shares = unit_shares(line)
    return sum(shares[line.refunded_quantity:line.refunded_quantity + quantity])


def remaining_goods_fen(lines: list[LineAmounts]) -> int:
    return sum(sum(unit_shares(line)[line.refunded_quantity:]) for line in lines)


def full_refund_fen(lines: list[LineAmounts], shipping_fen: int, shipped: bool) -> int:
    """Everything not yet refunded; the shipping fee too when nothing was shipped."""
    return remaining_goods_fen(lines) + (0 if shipped else shipping_fen)

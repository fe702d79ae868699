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


@dataclass(frozen=True)
class CancelRefundSplit:
    line_fen: tuple[int, ...]  # per line, for its units not yet refunded
    shipping_fen: int

    @property
    def total_fen(self) -> int:
        return sum(self.line_fen) + self.shipping_fen


def cancel_refund_split(lines: list[LineAmounts], shipping_fen: int, left_fen: int) -> CancelRefundSplit:
    """C5/R2: a cancel gives back every unit not yet refunded and the shipping fee, but never more than the
    order has left to refund: an amount-only refund made earlier (goodwill, a price difference, the shipping
    fee, R8) came out of the same money without naming units. Capped, the shipping part is cut first, then
    the lines from the last, so the total is exactly what is left."""
    line_fen = [sum(unit_shares(line)[line.refunded_quantity:]) for line in lines]
    over = sum(line_fen) + shipping_fen - max(left_fen, 0)
    cut = min(over, shipping_fen) if over > 0 else 0
    shipping_fen, over = shipping_fen - cut, over - cut
    for i in reversed(range(len(line_fen))):
        if over <= 0:
            break
        cut = min(over, line_fen[i])
        line_fen[i], over = line_fen[i] - cut, over - cut
    return CancelRefundSplit(tuple(line_fen), shipping_fen)

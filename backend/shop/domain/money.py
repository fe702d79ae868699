"""Money is integer fen. This module is the only place that splits or formats it."""
from __future__ import annotations

from collections.abc import Sequence


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` fen across `weights` in proportion, exactly.

    Fixed remainder rule: each share is floored, then the leftover fen go one each to the
    shares with the largest fractional part (ties: the earlier line). The shares always sum
    to `total`, so partial refunds of lines add up to what was paid.
    """
    if total < 0:
        raise ValueError("total must be >= 0")
    if any(w < 0 for w in weights):
        raise ValueError("weights must be >= 0")
    weight_sum = sum(weights)
    if not weights:
        return []
    if weight_sum == 0:
        shares = [0] * len(weights)
        shares[0] = total
        return shares
    floors = [total * w // weight_sum for w in weights]
    remainders = [(total * w) % weight_sum for w in weights]
    leftover = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:leftover]:
        floors[i] += 1
    return floors


def yuan(fen: int) -> str:
    """Format fen as yuan for people: 1234 -> '12.34'."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"

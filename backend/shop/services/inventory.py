"""Stock changes. Each one is an atomic UPDATE plus a ledger row (I1).

Reservation uses `UPDATE ... WHERE stock >= :n`, the pattern that holds under concurrency on
PostgreSQL and SQLite alike (row locks are not available on SQLite). Releases and returns carry a
unique `guard`, so a line's stock comes back at most once however often a cancel is retried.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..db import OrderLine, Sku, StockLedger
from ..domain import clock
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db


def reserve(sku_id: int, quantity: int, *, order_id: int | None = None, line_id: int | None = None) -> None:
    result = db.session.execute(
        update(Sku).where(Sku.id == sku_id, Sku.stock >= quantity)
        .values(stock=Sku.stock - quantity).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        name = db.session.scalar(select(Sku.name).where(Sku.id == sku_id))
        raise DomainError(ErrorCode.OUT_OF_STOCK, f"「{name}」库存不足" if name else None, {"sku_id": sku_id})
    db.session.add(StockLedger(sku_id=sku_id, change=-quantity, kind="reserve", order_id=order_id,
                               order_line_id=line_id, created_at=clock.now()))


def restore_once(line: OrderLine, quantity: int, kind: str, guard: str, note: str = "") -> bool:
    """Give `quantity` of the line's SKU back, unless `guard` was already used. True if restored."""
    if quantity <= 0:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(StockLedger(sku_id=line.sku_id, change=quantity, kind=kind, order_id=line.order_id,
                                       order_line_id=line.id, guard=guard, note=note, created_at=clock.now()))
            db.session.flush()
    except IntegrityError:
        return False
    db.session.execute(update(Sku).where(Sku.id == line.sku_id).values(stock=Sku.stock + quantity)
                       .execution_options(synchronize_session=False))
    return True


def release_order_stock(order) -> int:
    """Release the unsold reservation of every line of a cancelled order. Returns units released."""
    released = 0
    for line in order.lines:
        if restore_once(line, line.quantity, "release", f"release:{line.id}", "订单取消释放库存"):
            released += line.quantity
    return released


def adjust(sku_id: int, change: int, note: str, operator_id: int | None) -> None:
    if change < 0:
        reserve_result = db.session.execute(
            update(Sku).where(Sku.id == sku_id, Sku.stock >= -change).values(stock=Sku.stock + change)
            .execution_options(synchronize_session=False))
        if reserve_result.rowcount != 1:
            raise DomainError(ErrorCode.OUT_OF_STOCK, "调整后库存不能小于 0")
    else:
        db.session.execute(update(Sku).where(Sku.id == sku_id).values(stock=Sku.stock + change)
                           .execution_options(synchronize_session=False))
    db.session.add(StockLedger(sku_id=sku_id, change=change, kind="adjust", note=note,
                               operator_id=operator_id, created_at=clock.now()))

"""Stock changes. Each one is an atomic UPDATE plus a ledger row (I1).

Reservation uses `UPDATE ... WHERE stock >= :n`, the pattern that holds under concurrency on
PostgreSQL and SQLite alike (row locks are not available on SQLite). Releases and returns carry a
unique `guard`, so a line's stock comes back at most once however often a cancel is retried.

An order's stock is written last, just before its transaction commits (`write_stock`): the UPDATE locks the
SKU's row until the COMMIT, so every statement after it would keep the next order of that SKU waiting. Written
last, a popular SKU is locked for the COMMIT alone, and the SKUs of a transaction are locked in one order (by id),
so two orders of the same SKUs never wait on each other. A reservation the stock cannot cover fails there, and
the whole transaction rolls back. Staff corrections (`adjust`) are written at once: they answer with the stock.
"""
from __future__ import annotations

from sqlalchemy import Integer, bindparam, event, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..db import OrderLine, Sku, StockLedger
from ..db.driver import DriverWrite
from ..domain import clock
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db
from . import inventory_sync, uow


def _write(entry: StockLedger) -> StockLedger:
    """Add a ledger row and its outbox event for the WMS/ERP (I2), in the caller's transaction."""
    db.session.add(entry)
    inventory_sync.record_change(entry)
    return entry


_RESERVE = DriverWrite(update(Sku).where(Sku.id == bindparam("sku"), Sku.stock >= bindparam("quantity"))
                       .values(stock=Sku.stock - bindparam("quantity")))
_GIVE_BACK = DriverWrite(update(Sku).where(Sku.id == bindparam("sku")).values(stock=Sku.stock + bindparam("quantity")))


STOCK_LAST = "shop.stock_last"  # Session.info: {sku_id: change} the open transaction writes just before it commits


def _change_last(sku_id: int, change: int) -> None:
    """The SKU's stock changes by `change` when the transaction commits (write_stock); at once inside a savepoint
    (its rollback must take the change back too) or when the warehouse's outbox row needs the stock after it."""
    session = db.session()
    changes = session.info.setdefault(STOCK_LAST, {})
    changes[sku_id] = changes.get(sku_id, 0) + change
    if session.in_nested_transaction() or inventory_sync.enabled():
        write_stock(session)


@event.listens_for(Session, "before_commit")
def write_stock(session: Session) -> None:
    """The stock changes the transaction holds, written after everything else it has to write: one UPDATE per SKU,
    by id. A SKU whose stock cannot cover what the transaction takes is OUT_OF_STOCK, and nothing is committed."""
    changes = session.info.pop(STOCK_LAST, None)
    if not changes:
        return
    session.flush()
    for sku_id in sorted(changes):
        change = changes[sku_id]
        if change > 0:
            uow.execute(_GIVE_BACK, {"sku": sku_id, "quantity": change})
        elif change < 0 and uow.execute(_RESERVE, {"sku": sku_id, "quantity": -change}).rowcount != 1:
            name = session.scalar(select(Sku.name).where(Sku.id == sku_id))
            raise DomainError(ErrorCode.OUT_OF_STOCK, f"「{name}」库存不足" if name else None, {"sku_id": sku_id})


@event.listens_for(Session, "after_transaction_end")
def _forget_stock(session: Session, transaction) -> None:
    if transaction.parent is None:  # rolled back (a commit has written them)
        session.info.pop(STOCK_LAST, None)


def reserve(sku_id: int, quantity: int, *, order_id: int | None = None, line_id: int | None = None) -> None:
    reserve_lines([(sku_id, quantity, order_id, line_id)])


def reserve_lines(lines: list[tuple[int, int, int | None, int | None]]) -> None:
    """Take (sku_id, quantity, order_id, line_id) out of stock for each line when the transaction commits, or
    OUT_OF_STOCK then; their ledger rows are written at once, in one statement."""
    entries = [StockLedger(sku_id=sku_id, change=-quantity, kind="reserve", order_id=order_id, order_line_id=line_id,
                           created_at=clock.now()) for sku_id, quantity, order_id, line_id in lines]
    uow.insert_now(*entries)
    for entry in entries:
        _change_last(entry.sku_id, entry.change)
        inventory_sync.record_change(entry)


def restore_once(line: OrderLine, quantity: int, kind: str, guard: str, note: str = "") -> bool:
    """Give `quantity` of the line's SKU back, unless `guard` was already used. True if restored."""
    if quantity <= 0:
        return False
    # One statement, no savepoint: the unique guard makes a second restore insert nothing.
    insert = _insert_ignoring_conflicts(StockLedger).values(
        sku_id=line.sku_id, change=quantity, kind=kind, order_id=line.order_id, order_line_id=line.id,
        guard=guard, note=note, created_at=clock.now())
    entry_id = db.session.scalar(insert.on_conflict_do_nothing(index_elements=[StockLedger.guard])
                                 .returning(StockLedger.id))
    if entry_id is None:
        return False
    _change_last(line.sku_id, quantity)
    if inventory_sync.enabled():
        inventory_sync.record_change(db.session.get(StockLedger, entry_id))
    return True


def _insert_ignoring_conflicts(table):
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def release_order_stock(order) -> int:
    """Release the unsold reservation of every line of a cancelled order. Returns units released.

    Units already released by an earlier partial refund are not released twice."""
    return sum(_release_rest(line) for line in order.lines)


def _release_statement(dialect):
    """The ledger row of a line's release, written in one statement that also counts the earlier releases; its
    values are parameters (the statement is built once per dialect)."""
    order_id, line_id = bindparam("order_id", type_=Integer), bindparam("line_id", type_=Integer)
    # By order first: the ledger's order_id index finds the order's few rows (there is none on order_line_id).
    earlier = select(func.coalesce(func.sum(StockLedger.change), 0)).where(
        StockLedger.order_id == order_id, StockLedger.order_line_id == line_id,
        StockLedger.kind == "release").scalar_subquery()
    rest = bindparam("quantity", type_=Integer) - earlier
    row = select(bindparam("sku_id", type_=Integer), rest, literal("release"), order_id, line_id,
                 bindparam("guard", type_=StockLedger.guard.type), literal("订单取消释放库存"),
                 bindparam("now", type_=StockLedger.created_at.type)).where(rest > 0)
    insert = dialect.insert(StockLedger).from_select(
        ["sku_id", "change", "kind", "order_id", "order_line_id", "guard", "note", "created_at"], row)
    return insert.on_conflict_do_nothing(index_elements=[StockLedger.guard]) \
        .returning(StockLedger.id, StockLedger.change)


_RELEASES = {name: DriverWrite(_release_statement(dialect))
             for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}


def _release_rest(line: OrderLine) -> int:
    """Give back what of the line was not released yet (its quantity less its earlier "release" rows), at most
    once (guard `release:<line>`). The ledger row is written in one statement that also counts the earlier
    releases; the SKU's stock follows when a row was written. Returns the units released."""
    written = uow.execute(_RELEASES[db.engine.dialect.name], {
        "sku_id": line.sku_id, "quantity": line.quantity, "order_id": line.order_id, "line_id": line.id,
        "guard": f"release:{line.id}", "now": clock.now()}).first()
    if written is None:
        return 0
    entry_id, quantity = written
    _change_last(line.sku_id, quantity)
    if inventory_sync.enabled():
        inventory_sync.record_change(db.session.get(StockLedger, entry_id))
    return quantity


def adjust(sku_id: int, change: int, note: str, operator_id: int | None) -> StockLedger:
    """A staff correction (I1), recorded with who and why. Stock never goes below 0."""
    note = (note or "").strip()
    if change == 0:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "调整数量不能为 0", {"change": "不能为 0"})
    if not note:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请填写调整原因", {"note": "必填"})
    if db.session.get(Sku, sku_id) is None:
        raise DomainError(ErrorCode.SKU_NOT_FOUND)
    if change < 0:
        if uow.execute(_RESERVE, {"sku": sku_id, "quantity": -change}).rowcount != 1:
            raise DomainError(ErrorCode.OUT_OF_STOCK, "调整后库存不能小于 0")
    else:
        uow.execute(_GIVE_BACK, {"sku": sku_id, "quantity": change})
    return _write(StockLedger(sku_id=sku_id, change=change, kind="adjust", note=note[:200],
                              operator_id=operator_id, created_at=clock.now()))

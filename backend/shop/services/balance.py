"""The store balance (R9): the one function that changes a balance, and what the shopper sees of it.

`change_balance` books a credit or debit exactly once: the ledger row is inserted first under its unique
idempotency key (ON CONFLICT DO NOTHING, so a second booking of the same event, even a concurrent one, adds
nothing), then the balance moves by an atomic guarded UPDATE that never lets it go below zero. Both happen in
the caller's transaction, so the row and the balance commit or roll back together.
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..db import BalanceEntry, Shopper
from ..domain import clock
from ..domain.actors import Actor
from ..domain.balance import KIND_LABELS
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db

KINDS = tuple(KIND_LABELS)


def _insert():
    return (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(BalanceEntry)


def change_balance(shopper_id: int, delta_fen: int, *, kind: str, key: str, order_id: int | None = None,
                   refund_id: int | None = None, note: str = "", actor: Actor | None = None) -> BalanceEntry | None:
    """Credit (delta > 0) or debit (delta < 0) a shopper's balance once per `key`, in the caller's transaction.
    Returns the new ledger row, or None when `key` was booked before. A debit larger than the balance raises
    BALANCE_INSUFFICIENT (the caller's transaction then rolls back)."""
    if kind not in KINDS or delta_fen == 0:
        raise ValueError(f"bad balance change: {kind} {delta_fen}")
    actor = actor or Actor.system()
    new_id = db.session.execute(
        _insert().values(shopper_id=shopper_id, delta_fen=delta_fen, balance_after_fen=0, kind=kind,
                         order_id=order_id, refund_id=refund_id, idempotency_key=key, note=note[:200],
                         created_by=(actor.name or actor.kind)[:40], created_at=clock.now())
        .on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(BalanceEntry.id)).scalar()
    if new_id is None:
        return None
    after = db.session.execute(
        update(Shopper).where(Shopper.id == shopper_id, Shopper.balance_fen + delta_fen >= 0)
        .values(balance_fen=Shopper.balance_fen + delta_fen).returning(Shopper.balance_fen)
        .execution_options(synchronize_session=False)).scalar()
    if after is None:
        raise DomainError(ErrorCode.BALANCE_INSUFFICIENT)
    db.session.execute(update(BalanceEntry).where(BalanceEntry.id == new_id).values(balance_after_fen=after)
                       .execution_options(synchronize_session=False))
    return db.session.get(BalanceEntry, new_id)


def current_balance(shopper_id: int) -> int:
    return db.session.scalar(select(Shopper.balance_fen).where(Shopper.id == shopper_id)) or 0


def history(shopper_id: int, page: int = 1, per_page: int = 20) -> tuple[int, list[BalanceEntry], int]:
    """(balance, one page of ledger rows newest first, total rows)."""
    query = select(BalanceEntry).where(BalanceEntry.shopper_id == shopper_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(BalanceEntry.id.desc()).limit(per_page)
                              .offset((page - 1) * per_page)).all()
    return current_balance(shopper_id), rows, total

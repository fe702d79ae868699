"""The staff audit log (P2): who did what, when, from where, to what, before and after.

Rows are only ever inserted: there is no function here (nor an endpoint) that edits or deletes one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..db import AuditLog
from ..domain import clock
from ..domain.actors import Actor
from ..extensions import db
from .uow import before_each_commit, has_writes, transaction


def _plain(value: Any) -> Any:
    """Make before/after values JSON-safe (datetimes as ISO text, sets as lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(actor: Actor, action: str, target_type: str = "", target_id: Any = "", before: dict | None = None,
           after: dict | None = None, *, commit: bool = True) -> AuditLog:
    """Write one audit row. With commit=False it joins the caller's open transaction."""
    row = AuditLog(staff_id=actor.id if actor.is_staff else None, staff_name=actor.name or actor.kind,
                   role=actor.role, action=action, target_type=target_type or "",
                   target_id="" if target_id is None else str(target_id), ip=actor.ip or "",
                   before=_plain(before) if before is not None else None,
                   after=_plain(after) if after is not None else None, created_at=clock.now())
    if commit:
        with transaction():
            db.session.add(row)
    else:
        db.session.add(row)
    return row


@contextmanager
def action(actor: Actor, name: str, target_type: str, target_id: Any,
           snapshot: Callable[[], dict | None] | None = None, **after_extra) -> Iterator[dict]:
    """Record an action that a service performs: snapshot before, run, snapshot after.

    With a snapshot, the row is written inside the service's first transaction that changes something,
    just before it commits: the change and its audit row commit together or not at all. Nothing is
    written when the action fails (the service refused it and nothing changed). Without a snapshot (a
    report run, whose results the caller puts in the yielded dict) the row is written afterwards.
    """
    before = snapshot() if snapshot else None
    extra: dict = dict(after_extra)
    written = []

    def write_with_the_change() -> None:
        if written or not has_writes():
            return
        db.session.flush()
        db.session.expire_all()  # values changed by UPDATE statements too
        written.append(record(actor, name, target_type, target_id, before, _after(snapshot(), extra), commit=False))

    if snapshot is None:
        yield extra
    else:
        with before_each_commit(write_with_the_change):
            yield extra
    if not written:  # the service wrote nothing in a transaction of ours
        db.session.expire_all()
        record(actor, name, target_type, target_id, before, _after(snapshot() if snapshot else None, extra))


def _after(state: dict | None, extra: dict) -> dict | None:
    return {**(state or {}), **extra} if extra else state


def list_logs(*, staff_id: int | None = None, staff_name: str | None = None, action: str | None = None,
              target_type: str | None = None, target_id: str | None = None, start: datetime | None = None,
              end: datetime | None = None, page: int = 1, per_page: int = 20) -> tuple[list[AuditLog], int]:
    query = select(AuditLog)
    if staff_id:
        query = query.where(AuditLog.staff_id == staff_id)
    if staff_name:
        query = query.where(AuditLog.staff_name == staff_name)
    if action:
        # "order" finds every order.* action; "order.cancel" finds exactly that one.
        query = query.where((AuditLog.action == action) | AuditLog.action.startswith(action.rstrip(".") + "."))
    if target_type:
        query = query.where(AuditLog.target_type == target_type)
    if target_id:
        query = query.where(AuditLog.target_id == str(target_id))
    if start:
        query = query.where(AuditLog.created_at >= start)
    if end:
        query = query.where(AuditLog.created_at < end)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(AuditLog.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total

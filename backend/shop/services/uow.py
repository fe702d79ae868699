"""One place that commits or rolls back; side effects (jobs, WeChat) run only after commit."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..domain.errors import DomainError, ErrorCode
from ..extensions import db

logger = logging.getLogger("shop.uow")
WROTE = "shop.wrote"  # Session.info flag: this transaction flushed or executed a change
KEPT_LOADED = "shop.kept_loaded"  # Session.info flag: the last commit left its objects unexpired
_before_commit: ContextVar[tuple[Callable[[], None], ...]] = ContextVar("shop_before_commit", default=())


@event.listens_for(Session, "after_flush")
def _flushed(session, _context):
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state):
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction):
    if transaction.parent is None:
        session.info.pop(WROTE, None)


def has_writes() -> bool:
    """Has the open transaction changed anything (pending, flushed or by UPDATE/INSERT/DELETE)?"""
    session = db.session()
    return bool(session.new or session.dirty or session.deleted or session.info.get(WROTE))


@contextmanager
def before_each_commit(action: Callable[[], None]) -> Iterator[None]:
    """Run `action` inside every transaction opened meanwhile (in this context), just before it commits:
    what it writes commits or rolls back with the business change (the audit row of a staff action)."""
    token = _before_commit.set(_before_commit.get() + (action,))
    try:
        yield
    finally:
        _before_commit.reset(token)


class Transaction:
    def __init__(self):
        self.session = db.session
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        self._after_commit.append(action)


@contextmanager
def transaction(*, expire_on_commit: bool = True) -> Iterator[Transaction]:
    """`expire_on_commit=False` keeps what the transaction wrote loaded after commit, for a service that
    answers with it (a new order) instead of reading it back. The next transaction in the same session
    starts by expiring it, so it never acts on what another process has changed since."""
    tx = Transaction()
    session = db.session()
    if session.info.pop(KEPT_LOADED, False):
        session.expire_all()
    try:
        yield tx
        for action in _before_commit.get():
            action()
        session.expire_on_commit = expire_on_commit
        try:
            session.commit()
        finally:
            session.expire_on_commit = True
        if not expire_on_commit:
            session.info[KEPT_LOADED] = True
    except StaleDataError as exc:
        db.session.rollback()
        raise DomainError(ErrorCode.CONFLICT) from exc
    except BaseException:
        db.session.rollback()
        raise
    for action in tx._after_commit:
        try:
            action()
        except Exception:  # a side effect must never undo or hide a committed change
            logger.exception("after-commit action failed")


def is_unique_violation(exc: IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text

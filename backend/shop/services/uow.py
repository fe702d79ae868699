"""One place that commits or rolls back; side effects (jobs, WeChat) run only after commit."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.errors import DomainError, ErrorCode
from ..extensions import db

logger = logging.getLogger("shop.uow")


class Transaction:
    def __init__(self):
        self.session = db.session
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        self._after_commit.append(action)


@contextmanager
def transaction() -> Iterator[Transaction]:
    tx = Transaction()
    try:
        yield tx
        db.session.commit()
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

"""The one clock. Tests set it; everything else asks it."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc) + _offset


@contextmanager
def frozen_at(moment: datetime):
    global _frozen
    previous = _frozen
    _frozen = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    try:
        yield
    finally:
        _frozen = previous


def advance(delta: timedelta) -> None:
    """Move the clock forward (tests of windows and timeouts)."""
    global _offset, _frozen
    if _frozen is not None:
        _frozen = _frozen + delta
    else:
        _offset += delta


def reset() -> None:
    global _offset, _frozen
    _offset, _frozen = timedelta(0), None


def to_shanghai(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(SHANGHAI)

"""This database's instance id: made by the first migration, read once per process.

Job ids built from database ids (close-order-42) are prefixed with it, so that a new or restored
database — whose ids start again — never meets the jobs an older one left in Redis.
"""
from __future__ import annotations

import uuid

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..db import ShopInstance
from ..domain import clock
from ..extensions import db

CACHE_KEY = "shop.instance_id"


def instance_id() -> str:
    cached = current_app.extensions.get(CACHE_KEY)
    if cached is None:
        cached = current_app.extensions[CACHE_KEY] = _read_or_create()
    return cached


def forget() -> None:
    """Read the id again on next use (after a restore or a reset, as a restarted process would)."""
    current_app.extensions.pop(CACHE_KEY, None)


def renew() -> str:
    """Give this database a new id (after a restore: its ids may be handed out again)."""
    with db.engine.begin() as connection:
        connection.execute(ShopInstance.__table__.delete())
    forget()
    return instance_id()


def _read_or_create() -> str:
    # Its own connection: callers may be between transactions of the request's session.
    with db.engine.begin() as connection:
        found = connection.scalar(select(ShopInstance.instance_id).where(ShopInstance.id == 1))
    if found:
        return found
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(ShopInstance).values(id=1, instance_id=uuid.uuid4().hex[:12],
                                                           created_at=clock.now()))
    except IntegrityError:
        pass  # another process made it first
    with db.engine.begin() as connection:
        return connection.scalar(select(ShopInstance.instance_id).where(ShopInstance.id == 1))

"""Deleting an order from the shopper's view (D1, D2): a soft delete, kept for staff, statistics and audit."""
from __future__ import annotations

from ..domain import clock, labels
from ..domain.actors import Actor
from ..domain.orders import ensure_deletable
from . import events, ordering, queries
from .uow import transaction

# D1: what the confirmation dialog says is lost (one text, domain.labels; the delete button's confirm too).
DELETE_WARNING = labels.DELETE_WARNING


def delete_for_shopper(order_id: int, shopper_id: int) -> None:
    with transaction():
        order = ordering.get_order(order_id, shopper_id)
        ensure_deletable(queries.facts_for(order))
        order.deleted_by_shopper_at = clock.now()
        events.record(order, "deleted", Actor.shopper(shopper_id), data={"status": order.status})

"""Exports too large to write in a request (Q2): over 10,000 orders."""
from __future__ import annotations

from .tasks import job


@job
def export_orders(export_id: str, filters) -> int:
    from ..services import order_exports
    return order_exports.run_export(export_id, filters)

"""Exports too large to write in a request (Q2): over 10,000 orders; and removing them once they expire."""
from __future__ import annotations

from .tasks import job


@job
def export_orders(export_id: str, filters) -> int:
    from ..services import order_exports
    return order_exports.run_export(export_id, filters)


@job
def remove_old_exports() -> int:
    """Export files older than a day (order_exports.FILE_LIFETIME) are removed; cron runs this every hour."""
    from ..services import order_exports
    return order_exports.remove_old_exports()

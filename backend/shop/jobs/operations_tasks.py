"""Periodic and follow-up jobs for after-sales, risk, reconciliation and inventory."""
from __future__ import annotations

from .tasks import job


@job
def escalate_overdue_after_sales() -> dict:
    """A3: cases staff left unanswered past the reply time."""
    from ..services import after_sales
    return after_sales.escalate_overdue()


@job
def sweep_after_sale_deadlines() -> dict:
    """A5: proposals unanswered, returns never shipped, returns never received."""
    from ..services import after_sales
    return after_sales.sweep_deadlines()


@job
def evaluate_risk(shopper_id: int) -> list[str]:
    """K1: after a refund or a cancel."""
    from ..services import risk
    return risk.evaluate(shopper_id)


@job
def sweep_risk() -> int:
    """K1 safety net: everyone with a refund or cancel in the last quarter hour."""
    from ..services import risk
    shoppers = risk.recently_active_shoppers(minutes=15)
    for shopper_id in shoppers:
        risk.evaluate(shopper_id)
    return len(shoppers)


@job
def reconcile_refunds_daily() -> str:
    """R6: yesterday's WeChat refund bill against the ledger (idempotent per day: a new run each time)."""
    from ..services import reconciliation
    return reconciliation.reconcile_yesterday().status


@job
def check_stock_ledger() -> int:
    """I1: how many SKUs disagree with their ledger (details in the admin's inventory page)."""
    import logging

    from ..services import stock_reports
    differences = stock_reports.reconcile_stock()
    if differences:
        logging.getLogger("shop.inventory").warning("stock differs from ledger",
                                                    extra={"fields": {"skus": [d["sku_id"] for d in differences]}})
    return len(differences)


@job
def push_stock_changes() -> dict:
    """I2: send pending stock changes to the WMS/ERP webhook (no-op when it is not configured)."""
    from ..services import inventory_sync
    return inventory_sync.push_backlog()


@job
def rebuild_stats_rollups() -> int:
    """S1: store the figures of the recent closed days, so reports read days instead of orders (today is
    refresh_stats_today's: two jobs storing one day at once would collide on its rows)."""
    from ..services import stats
    return stats.rebuild_closed_days()


@job
def refresh_stats_today() -> int:
    """S1: store today's figures up to a moment ago, so a report reads only the last minute or two from the orders."""
    from ..services import stats
    return stats.refresh_today()

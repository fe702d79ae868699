"""Money is provable (issue 10 item 8): the daily conservation check, also runnable on demand
(the 财务 page's 立即核对 runs it at once)."""
from __future__ import annotations

from .tasks import job


@job
def check_money_daily() -> int:
    """paid = refunded + kept per order and route, balances and stock against their ledgers; returns how many
    differences were found (listed on the 财务 page)."""
    from ..services import money_checks
    return money_checks.daily_check()["difference_count"]

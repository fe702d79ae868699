"""RQ job functions. Each is a thin shell: get an app context, call one service, clean up.

They run under our worker (`flask shop worker`) or a plain `rq worker --with-scheduler`;
in the latter case the app is built from the environment on first use.
"""
from __future__ import annotations

import functools
import logging
import time

from flask import current_app, has_app_context

logger = logging.getLogger("shop.jobs")
_app = None


def _ensure_app():
    global _app
    if has_app_context():
        return None
    if _app is None:
        from .. import create_app
        _app = create_app()
    ctx = _app.app_context()
    ctx.push()
    return ctx


def job(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        ctx = _ensure_app()
        started = time.monotonic()
        try:
            return func(*args, **kwargs)
        finally:
            from ..extensions import db
            db.session.remove()
            logger.info("job done", extra={"fields": {"job": func.__name__, "args": args,
                                                      "ms": round((time.monotonic() - started) * 1000, 1)}})
            if ctx is not None:
                ctx.pop()
    return wrapper


@job
def close_unpaid_order(order_id: int) -> bool:
    from ..services import ordering
    return ordering.close_unpaid_order(order_id)


@job
def close_wechat_order(out_trade_no: str) -> None:
    from ..services import ordering
    ordering.close_wechat_order(out_trade_no)


@job
def auto_confirm_order(order_id: int) -> bool:
    from ..services import ordering
    return ordering.auto_confirm_order(order_id)


@job
def submit_refund(refund_id: int) -> str:
    from ..services import refunds
    return refunds.submit_refund(refund_id)


@job
def query_refund(refund_id: int) -> str:
    from ..services import refunds
    return refunds.query_refund(refund_id)


@job
def sweep_unpaid_orders() -> int:
    """Safety net for lost close jobs (Redis down at order time, worker killed)."""
    from ..services import ordering
    closed = 0
    for order_id in ordering.unpaid_overdue_ids():
        closed += bool(ordering.close_unpaid_order(order_id))
    return closed


@job
def sweep_shipped_orders() -> int:
    from ..services import ordering
    return sum(bool(ordering.auto_confirm_order(order_id)) for order_id in ordering.shipped_overdue_ids())


@job
def sweep_refunds() -> dict:
    """Re-enqueue refunds whose job may be lost, and query the ones WeChat is still processing."""
    from ..services import refunds
    from ..services.context import deps
    to_submit, to_query = refunds.overdue_refunds()
    bucket = int(time.time()) // 10
    for refund_id in to_submit:
        refunds.enqueue_submit(refund_id, f"sweep{bucket}")
    for refund_id in to_query:
        deps().jobs.enqueue("shop.jobs.tasks.query_refund", refund_id, job_id=f"refund-query-{refund_id}-{bucket}")
    return {"submitted": len(to_submit), "queried": len(to_query), "app": current_app.name}

"""Run the RQ worker (with its scheduler) and the periodic schedule for the shop."""
from __future__ import annotations

from flask import Flask
from rq import SimpleWorker
from rq.cron import CronScheduler

from ..adapters.queue import QUEUE_NAME
from ..services.context import deps

# Periodic safety nets: (task, every N seconds).
SCHEDULE = [
    ("shop.jobs.tasks.sweep_unpaid_orders", 60),
    ("shop.jobs.tasks.sweep_refunds", 30),
    ("shop.jobs.tasks.sweep_shipped_orders", 3600),
    ("shop.jobs.notification_tasks.sweep_subscribe_messages", 60),
    ("shop.jobs.operations_tasks.escalate_overdue_after_sales", 600),
    ("shop.jobs.operations_tasks.sweep_risk", 600),
    ("shop.jobs.operations_tasks.reconcile_refunds_daily", 24 * 3600),
    ("shop.jobs.operations_tasks.check_stock_ledger", 3600),
    ("shop.jobs.operations_tasks.push_stock_changes", 60),
    ("shop.jobs.shipping_tasks.sweep_shipping_uploads", 60),
    ("shop.jobs.shipping_tasks.check_wechat_platform", 3600),
]


class ShopWorker(SimpleWorker):
    """Runs jobs in-process (no fork per job): fast, and the app context is already pushed."""


def run_worker(app: Flask, burst: bool = False) -> None:
    with app.app_context():
        connection = deps().jobs.connection
        worker = ShopWorker([QUEUE_NAME], connection=connection)
        worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")


def run_cron(app: Flask) -> None:
    with app.app_context():
        cron = CronScheduler(connection=deps().jobs.connection, name="shop-cron")
        for func_name, seconds in SCHEDULE:
            cron.register(_resolve(func_name), QUEUE_NAME, interval=seconds)
        cron.start()


def _resolve(dotted: str):
    module_name, _, attr = dotted.rpartition(".")
    module = __import__(module_name, fromlist=[attr])
    return getattr(module, attr)

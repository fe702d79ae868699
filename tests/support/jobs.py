"""Run the queued jobs in-process, as the worker would (tests that need refunds or messages sent)."""
from __future__ import annotations

from rq import SimpleWorker

from shop.adapters.queue import QUEUE_NAME
from shop.services.context import deps


def run_jobs() -> None:
    """Work the queue until it is empty (jobs due now; scheduled ones are left for later)."""
    worker = SimpleWorker([QUEUE_NAME], connection=deps().jobs.connection)
    worker.work(burst=True, logging_level="WARNING")

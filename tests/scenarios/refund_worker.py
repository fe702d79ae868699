"""The refund scenarios' worker: short pauses for retries, the claim lease and refund queries."""
from __future__ import annotations

from support.workers import WorkerProcess as BaseWorkerProcess


class WorkerProcess(BaseWorkerProcess):
    def __init__(self, app, *, retry_intervals=(1, 1, 1), lease_seconds=3, query_after_seconds=1, **extra_env):
        super().__init__(app, REFUND_RETRY_INTERVALS=",".join(str(i) for i in retry_intervals),
                         REFUND_CLAIM_LEASE_SECONDS=lease_seconds, REFUND_QUERY_AFTER_SECONDS=query_after_seconds,
                         **extra_env)

"""The job queue (RQ on Redis). Enqueueing never breaks a committed business change.

If Redis is down, the enqueue is logged and dropped: the database row (an unpaid order, a
pending refund) is the real record of work to do, and the periodic sweepers pick it up once
Redis is back.

Jobs go to one of four queues, so that a slow WeChat Pay call never holds up closing unpaid
orders or sending messages: `refunds` (every job that calls WeChat Pay), `notifications`
(subscribe messages, shipping uploads), `default` (the rest) and, last in every worker's order,
`batches` (the chunks of staff batches, A7: a 10,000-order recall never delays the other queues).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError

logger = logging.getLogger("shop.queue")

DEFAULT_QUEUE, REFUNDS_QUEUE, NOTIFICATIONS_QUEUE, BATCHES_QUEUE = "default", "refunds", "notifications", "batches"
# A worker listening to several queues takes work from the first non-empty one in this order.
QUEUE_NAMES = (DEFAULT_QUEUE, REFUNDS_QUEUE, NOTIFICATIONS_QUEUE, BATCHES_QUEUE)
WECHAT_PAY_JOBS = frozenset({
    "shop.jobs.tasks.submit_refund",
    "shop.jobs.tasks.query_refund",
    "shop.jobs.tasks.close_wechat_order",
})
# Calls to the WeChat mini-program platform (messages, shipping uploads) share the notifications queue.
NOTIFICATION_JOB_MODULES = ("shop.jobs.notification_tasks.", "shop.jobs.shipping_tasks.")
BATCH_CHUNK_JOB = "shop.jobs.batch_tasks.run_batch_chunk"


def queue_for(func: str) -> str:
    """The queue a job (by dotted path) runs on."""
    if func in WECHAT_PAY_JOBS:
        return REFUNDS_QUEUE
    if func.startswith(NOTIFICATION_JOB_MODULES):
        return NOTIFICATIONS_QUEUE
    if func == BATCH_CHUNK_JOB:
        return BATCHES_QUEUE
    return DEFAULT_QUEUE


def parse_queue_names(text: str | None) -> list[str]:
    """`refunds,default` → ["refunds", "default"]; empty → every queue in priority order."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in QUEUE_NAMES]
    if unknown:
        raise ValueError(f"unknown queue(s) {', '.join(unknown)}; the queues are {', '.join(QUEUE_NAMES)}")
    return names or list(QUEUE_NAMES)


class JobQueue:
    """`namespace` returns this database's instance id: job ids built from database ids are prefixed
    with it, so a fresh database never collides with the jobs a previous one left in Redis."""

    def __init__(self, redis_url: str, namespace: Callable[[], str] | None = None):
        self.redis_url = redis_url
        self.namespace = namespace
        self._connection: Redis | None = None

    @property
    def connection(self) -> Redis:
        if self._connection is None:
            self._connection = Redis.from_url(self.redis_url, socket_connect_timeout=1, socket_timeout=3)
        return self._connection

    def queue(self, name: str = DEFAULT_QUEUE) -> Queue:
        return Queue(name, connection=self.connection)

    def queues(self, names: list[str] | None = None) -> list[Queue]:
        return [self.queue(name) for name in (names or QUEUE_NAMES)]

    def full_job_id(self, job_id: str) -> str:
        return f"{self.namespace()}-{job_id}" if self.namespace else job_id

    def enqueue(self, func: str, *args, job_id: str | None = None, retry: Retry | None = None,
                at: datetime | None = None, delay: timedelta | None = None, timeout: int = 60) -> str | None:
        """Enqueue `func` (dotted path). Returns the job id, or None when Redis is unreachable."""
        if job_id is not None:
            job_id = self.full_job_id(job_id)
        options = {"job_id": job_id, "retry": retry, "job_timeout": timeout, "result_ttl": 3600,
                   "failure_ttl": 7 * 24 * 3600}
        try:
            q = self.queue(queue_for(func))
            if job_id is not None:
                options["unique"] = True
            if at is not None:
                # RQ stores scheduled times in whole seconds, dropping the fraction; round up so a job
                # never runs before the moment it is for (e.g. closing an order at its pay deadline).
                if at.microsecond:
                    at = at.replace(microsecond=0) + timedelta(seconds=1)
                job = q.enqueue_at(at, func, *args, **options)
            elif delay is not None:
                job = q.enqueue_in(delay, func, *args, **options)
            else:
                job = q.enqueue(func, *args, **options)
        except DuplicateJobError:
            return job_id  # already queued, scheduled or running: nothing to add
        except RedisError as exc:
            logger.warning("enqueue failed, the sweeper will retry", extra={"fields": {"func": func, "args": args, "error": str(exc)}})
            return None
        return job.id if job is not None else job_id

    def claim_period(self, name: str, seconds: int, owner: str) -> bool:
        """True for exactly one caller per `seconds` across the cluster (a Redis key with that TTL)."""
        return bool(self.connection.set(f"shop:cron:{name}", owner, nx=True, ex=max(1, int(seconds))))


def worker_queue_plan(processes: int) -> list[list[str]]:
    """The queues each of `processes` worker processes listens to, in its priority order.

    Closing orders (default) and messages never wait behind a hanging WeChat Pay call: with two or
    more processes one of them never takes refunds; with three or more each queue has its own.
    Every process takes batch chunks when its other queues are empty.
    """
    everything = list(QUEUE_NAMES)
    if processes <= 1:
        return [everything]
    if processes == 2:
        plan = [[DEFAULT_QUEUE, NOTIFICATIONS_QUEUE], [REFUNDS_QUEUE, DEFAULT_QUEUE, NOTIFICATIONS_QUEUE]]
    else:
        plan = [[DEFAULT_QUEUE], [NOTIFICATIONS_QUEUE, DEFAULT_QUEUE]]
        plan += [[REFUNDS_QUEUE, DEFAULT_QUEUE, NOTIFICATIONS_QUEUE]] * (processes - 2)
    return [queues + [BATCHES_QUEUE] for queues in plan]

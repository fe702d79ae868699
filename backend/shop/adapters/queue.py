"""The job queue (RQ on Redis). Enqueueing never breaks a committed business change.

If Redis is down, the enqueue is logged and dropped: the database row (an unpaid order, a
pending refund) is the real record of work to do, and the periodic sweepers pick it up once
Redis is back.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError

logger = logging.getLogger("shop.queue")

QUEUE_NAME = "shop"


class JobQueue:
    def __init__(self, redis_url: str):
        self.redis_url = redis_url
        self._connection: Redis | None = None

    @property
    def connection(self) -> Redis:
        if self._connection is None:
            self._connection = Redis.from_url(self.redis_url, socket_connect_timeout=1, socket_timeout=3)
        return self._connection

    def queue(self) -> Queue:
        return Queue(QUEUE_NAME, connection=self.connection)

    def enqueue(self, func: str, *args, job_id: str | None = None, retry: Retry | None = None,
                at: datetime | None = None, delay: timedelta | None = None, timeout: int = 60) -> str | None:
        """Enqueue `func` (dotted path). Returns the job id, or None when Redis is unreachable."""
        options = {"job_id": job_id, "retry": retry, "job_timeout": timeout, "result_ttl": 3600,
                   "failure_ttl": 7 * 24 * 3600}
        try:
            q = self.queue()
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

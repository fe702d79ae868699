"""Run the RQ workers and the cron process (RQ's scheduler for delayed jobs, plus the periodic sweepers)."""
from __future__ import annotations

import logging
import signal
import socket
import time

from flask import Flask, current_app
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import SimpleWorker
from rq.exceptions import StopRequested
from rq.scheduler import RQScheduler
from rq.worker import WorkerStatus

from ..adapters.queue import QUEUE_NAMES
from ..services.context import deps

logger = logging.getLogger("shop.cron")

# Periodic safety nets: (task, every N seconds). Each runs once per period across the cluster,
# however many cron processes are up.
SCHEDULE = [
    ("shop.jobs.tasks.sweep_unpaid_orders", 60),
    ("shop.jobs.tasks.sweep_refunds", 30),
    ("shop.jobs.tasks.sweep_shipped_orders", 3600),
    ("shop.jobs.notification_tasks.sweep_subscribe_messages", 60),
    ("shop.jobs.operations_tasks.escalate_overdue_after_sales", 600),
    ("shop.jobs.operations_tasks.sweep_after_sale_deadlines", 300),
    ("shop.jobs.operations_tasks.sweep_risk", 600),
    ("shop.jobs.operations_tasks.reconcile_refunds_daily", 24 * 3600),
    ("shop.jobs.money_tasks.check_money_daily", 24 * 3600),
    ("shop.jobs.operations_tasks.check_stock_ledger", 3600),
    ("shop.jobs.operations_tasks.push_stock_changes", 60),
    ("shop.jobs.operations_tasks.rebuild_stats_rollups", 3600),
    ("shop.jobs.operations_tasks.refresh_stats_today", 60),
    ("shop.jobs.shipping_tasks.sweep_shipping_uploads", 60),
    ("shop.jobs.shipping_tasks.check_wechat_platform", 3600),
    ("shop.jobs.shipping_tasks.sweep_complaints", 300),
    ("shop.jobs.batch_tasks.sweep_batches", 120),
    ("shop.jobs.export_tasks.remove_old_exports", 3600),
]
# A worker's heartbeat is renewed at least every WORKER_TTL - 15 s; /api/health drops a worker whose
# heartbeat is older than 30 s, so a dead one leaves the count quickly.
WORKER_TTL = 20
CRON_TICK_SECONDS = 1.0
# How long the cron loop and a worker wait, at the most, between tries while Redis is unreachable.
REDIS_MAX_BACKOFF_SECONDS = 10.0
# What a worker takes for Redis being away (and waits out), rather than for a fault of its own.
REDIS_AWAY = (RedisConnectionError, RedisTimeoutError)


class ShopWorker(SimpleWorker):
    """Runs jobs in-process (no fork per job): fast, and the app context is already pushed.

    RQ restarts a dead scheduler (it dies with its Redis connection) only at the next maintenance, ten
    minutes later; this worker brings it back at its next heartbeat, a few seconds after Redis returns,
    and registers itself again if Redis lost its registration.

    RQ waits out a lost Redis only while it waits for a job; the same loss during its maintenance, its
    suspension check, the heartbeat after a job or while it records how a job ended, ended the worker
    ("found an unhandled exception, quitting"). Those calls wait for Redis here, as the wait for a job does,
    backing off to at most REDIS_MAX_BACKOFF_SECONDS, as the cron process does.
    """

    max_connection_wait_time = REDIS_MAX_BACKOFF_SECONDS

    def _through_outage(self, call):
        wait = 1.0
        while True:
            try:
                return call()
            except REDIS_AWAY as exc:
                if self._stop_requested:
                    raise StopRequested() from exc
                self.log.error("Worker %s: Redis unreachable (%s), retrying in %d seconds", self.name, exc, wait)
                time.sleep(wait)
                wait = min(wait * self.exponential_backoff_factor, self.max_connection_wait_time)

    def run_maintenance_tasks(self):
        self._through_outage(super().run_maintenance_tasks)

    def check_for_suspension(self, burst: bool):
        self._through_outage(lambda: super(ShopWorker, self).check_for_suspension(burst))

    def execute_job(self, job, queue):
        """A job whose end RQ cannot record because Redis went away (its result, or its failure) ended the worker.
        Here the worker waits for Redis and goes on; the job's record stays in its started registry, where RQ's
        maintenance finds it abandoned, as when a worker dies mid-job: it runs again if it has retries left, else
        it is kept as failed. A second run does nothing twice: every job claims its work in the database first
        (a refund by its out_refund_no, a message or a batch item by its status)."""
        try:
            super().execute_job(job, queue)
        except REDIS_AWAY as exc:
            self.log.error("Worker %s: Redis went away as job %s ended (%s); its end is not recorded",
                           self.name, job.id, exc)
            self._through_outage(lambda: self.set_state(WorkerStatus.IDLE))

    def teardown(self):
        try:
            super().teardown()
        except RedisError as exc:  # stopping while Redis is away: its registration expires by itself
            self.log.warning("Worker %s: Redis unreachable at shutdown (%s)", self.name, exc)

    @property
    def should_run_maintenance_tasks(self) -> bool:
        scheduler = self.scheduler
        if scheduler is not None and scheduler._process is not None and not scheduler._process.is_alive():
            return True
        return super().should_run_maintenance_tasks

    def heartbeat(self, timeout: int | None = None, pipeline=None):
        if pipeline is not None:
            return super().heartbeat(timeout, pipeline)
        return self._through_outage(lambda: self._heartbeat(timeout))

    def _heartbeat(self, timeout: int | None):
        if self.birth_date is not None and not self.connection.sismember(self.redis_workers_keys, self.key):
            # Redis came back without this worker's registration: register again so /api/health counts it.
            self.connection.delete(self.key)
            self.register_birth()
        super().heartbeat(timeout)


def run_worker(app: Flask, queues: list[str] | None = None, burst: bool = False, with_scheduler: bool = True) -> None:
    with app.app_context():
        jobs = deps().jobs
        worker = ShopWorker(jobs.queues(queues), connection=jobs.connection, worker_ttl=WORKER_TTL)
        worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="WARNING")


class CronProcess:
    """One loop: move due delayed jobs onto their queues (RQ's scheduler) and enqueue the periodic sweepers.

    Redis going away is waited out (with back-off), never fatal. The scheduler's name is stable per host,
    so a restarted cron process takes its own scheduler locks back at once instead of after their TTL.
    """

    def __init__(self, name: str | None = None):
        self.name = name or f"shop-cron@{current_app.config.get('SHOP_INSTANCE') or socket.gethostname()}"
        self.jobs = deps().jobs
        self.scheduler = RQScheduler(list(QUEUE_NAMES), connection=self.jobs.connection, name=self.name,
                                     logging_level="WARNING")
        self.stopping = False
        self.redis_ok = False

    def tick(self) -> list[str]:
        """One round; returns the periodic tasks enqueued in it."""
        if not self.redis_ok:
            self.scheduler.register_birth()
        self.scheduler.acquire_locks()
        self.scheduler.heartbeat()
        self.scheduler.enqueue_scheduled_jobs()
        due = [task for task, seconds in SCHEDULE if self.jobs.claim_period(task, seconds, self.name)]
        for task in due:
            self.jobs.enqueue(task)
        return due

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.loop()

    def loop(self) -> None:
        backoff = CRON_TICK_SECONDS
        while not self.stopping:
            try:
                self.tick()
                self.redis_ok, backoff = True, CRON_TICK_SECONDS
            except RedisError as exc:
                logger.warning("redis unreachable; cron waits and retries", extra={"fields": {"error": str(exc)}})
                self.redis_ok, backoff = False, min(backoff * 2, REDIS_MAX_BACKOFF_SECONDS)
            time.sleep(backoff)
        try:
            self.scheduler.release_locks()
            self.scheduler.register_death()
        except RedisError:
            pass

    def stop(self, *_):
        self.stopping = True


def run_cron(app: Flask) -> None:
    with app.app_context():
        CronProcess().run()

"""Job queues, job ids across database resets, and the cron process (issue 15), with real Redis."""
from __future__ import annotations

import threading
import time

from rq import Queue
from sqlalchemy import text

from shop.adapters.queue import JobQueue, queue_for
from shop.extensions import db
from shop.jobs.worker import SCHEDULE, CronProcess, ShopWorker
from shop.services import instance
from shop.services.context import deps
from support.services import EmbeddedRedis, wait_until
from support.shop import Shopper
from support.workers import WorkerProcess, run_burst
from test_order_jobs import order_status, short_payment_window  # noqa: F401 (a fixture)


def closed_by_its_job(app, order_id):
    """Work the queues (due scheduled jobs included) until the order's close job has closed it."""
    def closed():
        run_burst(app)
        return order_status(order_id) == "cancelled"
    wait_until(closed, timeout=10, interval=0.5)


def test_wechat_pay_calls_messages_and_everything_else_wait_in_separate_queues():
    assert queue_for("shop.jobs.tasks.submit_refund") == "refunds"
    assert queue_for("shop.jobs.tasks.query_refund") == "refunds"
    assert queue_for("shop.jobs.tasks.close_wechat_order") == "refunds"
    assert queue_for("shop.jobs.notification_tasks.send_subscribe_message") == "notifications"
    assert queue_for("shop.jobs.tasks.close_unpaid_order") == "default"
    assert queue_for("shop.jobs.tasks.sweep_unpaid_orders") == "default"


def test_an_enqueued_refund_waits_in_the_refunds_queue_not_behind_order_closing(pgapp):
    jobs = deps().jobs
    jobs.enqueue("shop.jobs.tasks.submit_refund", 1, job_id="refund-1-0")
    jobs.enqueue("shop.jobs.tasks.close_unpaid_order", 2, job_id="close-order-2")
    assert jobs.queue("refunds").count == 1
    assert jobs.queue("default").count == 1
    assert jobs.queue("refunds").jobs[0].id == f"{instance.instance_id()}-refund-1-0"


def _reset_database_keep_redis():
    """What `rm var/shop.sqlite` (or a new PostgreSQL database) does, with the old var/redis.rdb kept."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    db.session.commit()
    instance.forget()  # a restarted process reads the database afresh
    from shop.cli.seed import seed_demo
    seed_demo()


def test_a_fresh_database_with_the_old_redis_still_closes_its_new_unpaid_order_on_time(pgapp, short_payment_window):
    old_instance = instance.instance_id()
    first = Shopper(pgapp.test_client()).order()
    closed_by_its_job(pgapp, first["id"])  # the job ran, and stays in Redis as finished

    _reset_database_keep_redis()
    second = Shopper(pgapp.test_client()).order()
    assert second["id"] == first["id"]  # the new database hands out the same ids again
    assert instance.instance_id() != old_instance
    closed_by_its_job(pgapp, second["id"])


def test_each_periodic_job_is_enqueued_once_per_period_however_many_cron_processes_run(pgapp):
    first, second = CronProcess(name="cron@host-a"), CronProcess(name="cron@host-b")
    enqueued = first.tick() + second.tick() + first.tick() + second.tick()
    assert sorted(enqueued) == sorted(task for task, _ in SCHEDULE)
    jobs = deps().jobs
    assert sum(jobs.queue(name).count for name in ("default", "refunds", "notifications")) == len(SCHEDULE)


def test_cron_waits_out_a_redis_outage_and_moves_delayed_jobs_again_within_seconds(pgapp):
    from datetime import timedelta

    redis = EmbeddedRedis().start()
    real_jobs = deps().jobs
    deps().jobs = JobQueue(redis.url)
    cron = CronProcess(name="cron@outage")
    runner = threading.Thread(target=cron.loop, daemon=True)
    try:
        runner.start()
        wait_until(lambda: cron.redis_ok, timeout=10)
        redis.stop()
        wait_until(lambda: not cron.redis_ok, timeout=10)
        time.sleep(2)
        assert runner.is_alive()
        redis.start()
        wait_until(lambda: cron.redis_ok, timeout=15)
        deps().jobs.enqueue("shop.jobs.tasks.close_unpaid_order", 999, job_id="close-order-999",
                            delay=timedelta(seconds=1))
        # Due one second from now: on its queue within a few seconds, not after RQ's ten-minute lock retry.
        wait_until(lambda: "close-order-999" in Queue("default", connection=deps().jobs.connection).job_ids,
                   timeout=8)
    finally:
        cron.stop()
        runner.join(15)
        deps().jobs = real_jobs
        redis.stop()
    assert not runner.is_alive()


def test_a_worker_waits_out_redis_in_its_maintenance_and_heartbeat_instead_of_quitting():
    """RQ retries a lost Redis only while it waits for a job; in a CI run Redis went away during the worker's
    first maintenance (cleaning its registries) and the worker quit. Here both calls wait for Redis."""
    from redis import Redis

    redis = EmbeddedRedis().start()
    comeback = None
    try:
        connection = Redis.from_url(redis.url)
        worker = ShopWorker([Queue("default", connection=connection)], connection=connection)
        worker.register_birth()
        redis.stop()
        comeback = threading.Timer(1.5, redis.start)
        comeback.start()
        worker.run_maintenance_tasks()  # raised ConnectionError before
        comeback.join()
        assert worker.last_cleaned_at is not None  # it ran once Redis was back
        redis.stop()  # the new Redis holds nothing: the next heartbeat waits for it, then registers again
        comeback = threading.Timer(1.5, redis.start)
        comeback.start()
        worker.heartbeat()
        comeback.join()
        assert connection.sismember(worker.redis_workers_keys, worker.key)
        worker.teardown()
    finally:
        if comeback is not None:  # a failure before its join must not leave a Redis started after the stop below
            comeback.cancel()
            comeback.join()
        redis.stop()


_OUTAGE: dict = {}


def _a_job_during_which_redis_goes_away() -> str:
    _OUTAGE["redis"].stop()
    _OUTAGE["comeback"].start()
    return "done"


def _the_next_job() -> int:
    return 42


def test_a_worker_waits_out_redis_lost_as_a_job_ends_and_runs_the_next_one():
    """Redis going away while RQ records how a job ended (its result) ended the worker; here it waits for Redis
    and takes the next job."""
    from redis import Redis
    from rq.job import Job

    redis = EmbeddedRedis().start()
    connection = Redis.from_url(redis.url)
    queue = Queue("default", connection=connection)

    def back_with_the_next_job():  # the restarted Redis holds nothing: the next job is enqueued afresh
        redis.start()
        queue.enqueue(_the_next_job, job_id="the-next-job")

    comeback = threading.Timer(1.5, back_with_the_next_job)
    _OUTAGE.update(redis=redis, comeback=comeback)
    try:
        queue.enqueue(_a_job_during_which_redis_goes_away)
        worker = ShopWorker([queue], connection=connection)
        # Two jobs, then it stops; idle for 30 s without the second (it quit, or never got it), it stops too.
        worker.work(max_jobs=2, max_idle_time=30, with_scheduler=False, logging_level="WARNING")
        job = Job.fetch("the-next-job", connection=connection)
        assert job.is_finished and job.return_value() == 42
    finally:
        comeback.cancel()
        if comeback.is_alive():
            comeback.join()
        _OUTAGE.clear()
        redis.stop()


def test_a_worker_brings_its_scheduler_back_seconds_after_a_redis_restart(pgapp):
    from datetime import timedelta

    from rq.job import Job

    redis = EmbeddedRedis().start()
    real_jobs = deps().jobs
    deps().jobs = JobQueue(redis.url)
    try:
        with WorkerProcess(pgapp, REDIS_URL=redis.url) as worker:
            # Started (a slow start on a busy machine) with its scheduler holding the queues' locks.
            wait_until(lambda: deps().jobs.connection.exists("rq:scheduler-lock:default"), timeout=60, interval=0.5)
            redis.stop()  # the worker's forked scheduler dies with its connection
            time.sleep(2)
            redis.start()
            deps().jobs.enqueue("shop.jobs.tasks.sweep_unpaid_orders", job_id="after-the-restart",
                                delay=timedelta(seconds=1))

            def finished():
                job = Job.fetch("after-the-restart", connection=deps().jobs.connection)
                return job.is_finished
            # RQ itself would look at its scheduler again only after ten minutes.
            try:
                wait_until(finished, timeout=60, interval=0.5)
            except AssertionError:
                raise AssertionError(f"the delayed job did not run; the worker said:\n{worker.output()}") from None
            assert worker.proc.poll() is None, worker.output()
    finally:
        deps().jobs = real_jobs
        redis.stop()

"""How many refunds per second one worker settles against the WeChat sandbox (a measurement, not a test).

    .venv/bin/python bench/refunds.py [--refunds 200]

PostgreSQL (TEST_PG_URL, else SQLite), real Redis (BENCH_REDIS_URL, default db 12 of 127.0.0.1:6379,
else an embedded redis-server), the sandbox and the shop's callback server in threads, and ONE real
`flask worker` process. Clock starts when the refunds are committed (their jobs enqueued) and stops
when the last one is `succeeded` — submit, WeChat accepts, refund notification, settle.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "backend"), str(REPO / "tests"), str(REPO / "tests" / "scenarios")]
os.environ.setdefault("TEST_REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refunds", type=int, default=200)
    args = parser.parse_args()

    import logging

    from flask_migrate import upgrade
    from redis import Redis
    from rq import Worker
    from sqlalchemy import func, select

    from refund_worker import WorkerProcess
    from shop import create_app
    from shop.cli.seed import seed_demo
    from shop.db import Order, Refund, Sku
    from shop.domain.actors import Actor
    from shop.extensions import db
    from shop.services import refunds
    from shop.services.uow import transaction
    from support.services import (RedisServer, SandboxControl, ServerThread, drop_postgres, free_port,
                                  postgres_available)
    from support.shop import Shopper
    from wechat_sandbox import create_app as create_sandbox

    logging.disable(logging.WARNING)
    redis_server = RedisServer()
    redis_url = redis_server.start()
    Redis.from_url(redis_url).flushdb()
    sandbox_settings = {"refund_settle_delay": 0.05, "notify_retry_intervals": [0.3, 0.5, 1, 2]}
    sandbox_thread = ServerThread(create_sandbox(dict(sandbox_settings))).start()
    sandbox = SandboxControl(sandbox_thread.url)
    pg_url = postgres_available()
    database = pg_url.replace("postgresql://", "postgresql+psycopg://", 1) if pg_url else \
        f"sqlite:///{REPO / 'var' / 'bench_refunds.sqlite'}"
    port = free_port()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "REDIS_URL": redis_url,
                      "WECHAT_API_BASE": sandbox_thread.url + "/", "WECHAT_PAY_API_BASE": sandbox_thread.url + "/",
                      "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "WECHAT_TIMEOUT": 5.0,
                      "REFUND_RETRY_INTERVALS": [1, 1, 1]})
    worker = None
    try:
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory, revision="heads")
            seed_demo()
            callbacks = ServerThread(app, port).start()
            print(f"database: {'PostgreSQL' if pg_url else 'SQLite'}; preparing {args.refunds} paid orders…",
                  flush=True)
            shopper = Shopper(app.test_client(), "bench")
            sku_ids = list(db.session.scalars(select(Sku.id).order_by(Sku.id)))
            order_ids = []
            for n in range(args.refunds):
                order = shopper.order([(sku_ids[n % len(sku_ids)], 1)])
                shopper.pay(order, sandbox)
                order_ids.append(order["id"])
            deadline = time.monotonic() + 120
            while db.session.scalar(select(func.count()).where(Order.id.in_(order_ids), Order.status == "paid")) \
                    < len(order_ids):
                assert time.monotonic() < deadline, "payments did not arrive"
                db.session.rollback()
                time.sleep(0.2)

            worker = WorkerProcess(app, retry_intervals=(1, 1, 1), lease_seconds=60, query_after_seconds=30).start()
            connection = Redis.from_url(redis_url)
            while not Worker.all(connection=connection):
                time.sleep(0.1)

            with transaction() as tx:  # one commit: every submit job is enqueued at the same moment
                for order_id in order_ids:
                    order = db.session.get(Order, order_id)
                    refunds.create_refund(order, order.paid_fen, source="manual", reason="bench",
                                          actor=Actor.system(), tx=tx)
            started = time.monotonic()
            while True:
                done = db.session.scalar(select(func.count()).where(Refund.status == "succeeded"))
                db.session.rollback()
                if done >= len(order_ids):
                    break
                if time.monotonic() - started > 300:
                    raise SystemExit(f"only {done} of {len(order_ids)} settled in 300 s:\n{worker.output()}")
                time.sleep(0.02)
            elapsed = time.monotonic() - started
            payouts = len(sandbox.listing("refunds"))
            print(f"{len(order_ids)} refunds settled by one worker in {elapsed:.2f} s: "
                  f"{len(order_ids) / elapsed:.1f} refunds/s (sandbox payouts: {payouts})", flush=True)
            callbacks.stop()
            db.session.remove()
            db.engine.dispose()
    finally:
        if worker:
            worker.stop()
        sandbox_thread.stop()
        if pg_url:
            drop_postgres(pg_url)
        redis_server.stop()


if __name__ == "__main__":
    main()

"""Refunds settled per second by 1, 2 and 4 worker processes, next to a raw loop of signed refund calls
(a measurement, not a test).

    .venv/bin/python bench/refunds.py [--refunds 200] [--workers 1,2,4] [--api v3|v2]

PostgreSQL (TEST_PG_URL, else SQLite), real Redis (BENCH_REDIS_URL, default db 12 of 127.0.0.1:6379,
else an embedded redis-server), the WeChat sandbox (APIv3 by default) and the shop's callback server in
threads, and real `flask worker` processes at the default rate rules (REFUND_RATE_PER_S 100).

For each pool size, a batch of paid orders is refunded in one commit; the clock runs from that commit
until the last refund is `succeeded` (submit, WeChat accepts, refund notification, settle). The raw
loop then sends the same number of signed refund calls, one after another, with the payment library
itself (wechatpayv3 in v3, wechatpy in v2) against the same sandbox: no database, no queue. Printed:
each rate, the ratio pool ÷ raw, duplicate payouts (from GET /__control__/refunds) and the
FREQUENCY_LIMITED answers the pool met (from GET /__control__/stats; 0 expected at the default rate).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "backend"), str(REPO / "tests"), str(REPO / "tests" / "scenarios")]
os.environ.setdefault("TEST_REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))

SANDBOX_SETTINGS = {"refund_settle_delay": 0.05, "notify_retry_intervals": [0.3, 0.5, 1, 2]}
ORDERS_PER_SHOPPER = 20  # well under the shop's per-shopper limits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refunds", type=int, default=200, help="refunds per pool size and in the raw loop")
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to measure")
    parser.add_argument("--api", choices=("v3", "v2"), default="v3", help="WeChat Pay protocol (default v3)")
    args = parser.parse_args()
    pools = [int(n) for n in args.workers.split(",")]

    import logging

    from flask import Flask
    from flask_migrate import upgrade
    from redis import Redis

    from conftest import wechatpay_config
    from shop import create_app
    from shop.cli.seed import seed_demo
    from support.services import (RedisServer, SandboxControl, ServerThread, drop_postgres, free_port,
                                  postgres_available)
    from wechat_sandbox import create_app as create_sandbox
    from wechat_sandbox.keys import ensure_demo_keys

    logging.disable(logging.WARNING)
    redis_server = RedisServer()
    redis_url = redis_server.start()
    Redis.from_url(redis_url).flushdb()
    keys = ensure_demo_keys(tempfile.mkdtemp(prefix="bench-wechatpay-"))
    sandbox_thread = ServerThread(create_sandbox({**SANDBOX_SETTINGS, "keys_dir": str(keys.folder)})).start()
    sandbox = SandboxControl(sandbox_thread.url, api=args.api)
    pg_url = postgres_available()
    database = pg_url.replace("postgresql://", "postgresql+psycopg://", 1) if pg_url else \
        f"sqlite:///{REPO / 'var' / 'bench_refunds.sqlite'}"
    port = free_port()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "REDIS_URL": redis_url,
                      "WECHAT_API_BASE": sandbox_thread.url + "/", "WECHAT_PAY_API_BASE": sandbox_thread.url + "/",
                      "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "WECHAT_TIMEOUT": 5.0,
                      "REFUND_RETRY_INTERVALS": [1, 1, 1], **wechatpay_config(args.api, keys),
                      # Every order it places comes from one address (the test client's): 200 orders per pool,
                      # one pool after another, go past the per-address limit (300 a minute) on a fast machine.
                      "ORDER_RATE_LIMIT_PER_IP": "1000000 per minute",
                      "ORDER_RATE_LIMIT_PER_SHOPPER": "1000000 per minute"})
    acknowledge = Flask("acknowledge")  # the raw loop's notify_url: takes every notification
    acknowledge.add_url_rule("/<path:anything>", "ok", lambda anything: ("", 204), methods=["POST"])
    sink = ServerThread(acknowledge).start()
    callbacks = None
    try:
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory, revision="heads")
            seed_demo()
            callbacks = ServerThread(app, port).start()
            print(f"database: {'PostgreSQL' if pg_url else 'SQLite'}; WeChat Pay {args.api}; "
                  f"{args.refunds} refunds per run", flush=True)
            settled = {n: settle_with_pool(app, sandbox, n, args.refunds) for n in pools}
            raw = raw_refund_loop(app, sandbox, args.refunds, sink.url)
            print(f"raw loop of signed refund calls: {raw:.1f} calls/s", flush=True)
            for n, (rate, limited) in settled.items():
                print(f"{n} worker process{'es' if n > 1 else ''}: {rate:.1f} refunds settled/s, "
                      f"ratio pool ÷ raw {rate / raw:.2f}, FREQUENCY_LIMITED answers {limited}", flush=True)
            paid = sandbox.listing("refunds")
            duplicates = sum(c - 1 for c in Counter(r["out_refund_no"] for r in paid).values()) + \
                sum(c - 1 for c in Counter(r["out_trade_no"] for r in paid).values())
            print(f"duplicate payouts: {duplicates} (of {len(paid)} refunds paid out)", flush=True)
    finally:
        if callbacks:
            callbacks.stop()
        sink.stop()
        sandbox_thread.stop()
        with app.app_context():
            from shop.extensions import db
            db.session.remove()
            db.engine.dispose()
        if pg_url:
            drop_postgres(pg_url)
        redis_server.stop()


def paid_orders(app, sandbox, count: int, batch: str) -> list[int]:
    from sqlalchemy import func, select

    from shop.db import Order, Sku
    from shop.extensions import db
    from support.shop import Shopper

    sku_ids = list(db.session.scalars(select(Sku.id).order_by(Sku.id)))
    client, shopper, order_ids = app.test_client(), None, []
    for n in range(count):
        if n % ORDERS_PER_SHOPPER == 0:
            shopper = Shopper(client, f"bench-{batch}-{n // ORDERS_PER_SHOPPER}")
        order = shopper.order([(sku_ids[n % len(sku_ids)], 1)])
        shopper.pay(order, sandbox)
        order_ids.append(order["id"])
    deadline = time.monotonic() + 120
    while db.session.scalar(select(func.count()).where(Order.id.in_(order_ids), Order.status == "paid")) < count:
        assert time.monotonic() < deadline, "payments did not arrive"
        db.session.rollback()
        time.sleep(0.2)
    return order_ids


def frequency_limited(sandbox) -> int:
    stats = sandbox._call("GET", "stats").json()["endpoints"]
    endpoint = "v3_refund" if sandbox.api == "v3" else "refund"
    return stats.get(endpoint, {}).get("errors", {}).get("FREQUENCY_LIMITED", 0)


def settle_with_pool(app, sandbox, processes: int, count: int) -> tuple[float, int]:
    """(refunds settled per second by `processes` workers, FREQUENCY_LIMITED answers they met)."""
    from redis import Redis
    from rq import Worker
    from sqlalchemy import func, select

    from refund_worker import WorkerProcess
    from shop.db import Order, Refund
    from shop.domain.actors import Actor
    from shop.extensions import db
    from shop.services import refunds
    from shop.services.uow import transaction

    print(f"preparing {count} paid orders for {processes} worker process(es)…", flush=True)
    order_ids = paid_orders(app, sandbox, count, f"pool{processes}")
    workers = [WorkerProcess(app, retry_intervals=(1, 1, 1), lease_seconds=60, query_after_seconds=60).start()
               for _ in range(processes)]
    try:
        connection = Redis.from_url(app.config["REDIS_URL"])
        while len(Worker.all(connection=connection)) < processes:
            time.sleep(0.1)
        limited_before = frequency_limited(sandbox)
        committed: list[float] = []
        with transaction() as tx:  # one commit: every submit job is enqueued after it
            # The clock starts at the commit, before the first job is enqueued: enqueueing 200 jobs takes seconds
            # while the workers already settle the first ones (a clock started after the enqueueing gave a pool
            # that followed another one 300-1,300 refunds/s, past the 100 a second the shop sends).
            tx.after_commit(lambda: committed.append(time.monotonic()))
            refund_ids = [refunds.create_refund(order, order.paid_fen, source="manual", reason="bench",
                                                actor=Actor.system(), tx=tx).id
                          for order in db.session.scalars(select(Order).where(Order.id.in_(order_ids)))]
        started = committed[0]
        while True:
            done = db.session.scalar(select(func.count()).where(Refund.id.in_(refund_ids),
                                                                Refund.status == "succeeded"))
            db.session.rollback()
            if done >= count:
                break
            if time.monotonic() - started > 300:
                raise SystemExit(f"only {done} of {count} settled in 300 s:\n{workers[0].output()}")
            time.sleep(0.02)
        return count / (time.monotonic() - started), frequency_limited(sandbox) - limited_before
    finally:
        for worker in workers:
            worker.stop()


def raw_refund_loop(app, sandbox, count: int, notify_base: str) -> float:
    """Signed refund calls per second made with the payment library alone (the gateway's own client)."""
    from shop.services.context import deps

    payments = deps().payments
    print(f"preparing {count} payments for the raw loop…", flush=True)
    trades = []
    for n in range(count):
        out_trade_no = f"RAW{int(time.time())}{n:05d}"
        payments.create_payment(out_trade_no=out_trade_no, amount_fen=100, description="bench",
                                openid="sandbox-bench-raw", notify_url=f"{notify_base}/pay")
        sandbox.pay(out_trade_no)
        trades.append(out_trade_no)
    client = payments._pay  # wechatpayv3's WeChatPay (v3) or wechatpy's WeChatPay (v2): no shop code around it
    limited_before = frequency_limited(sandbox)
    started = time.monotonic()
    for out_trade_no in trades:
        if payments.api == "v3":
            client.refund(out_refund_no=f"R{out_trade_no}", out_trade_no=out_trade_no,
                          amount={"refund": 100, "total": 100, "currency": "CNY"}, notify_url=f"{notify_base}/refund")
        else:
            client.refund.apply(total_fee=100, refund_fee=100, out_refund_no=f"R{out_trade_no}",
                                out_trade_no=out_trade_no, notify_url=f"{notify_base}/refund")
    elapsed = time.monotonic() - started
    limited = frequency_limited(sandbox) - limited_before
    if limited:
        print(f"(the raw loop itself met {limited} FREQUENCY_LIMITED answers: it ran past WeChat's limit)")
    return count / elapsed


if __name__ == "__main__":
    main()

"""缺货/召回 at scale (issue 11 item 5): one batch cancels every paid order of a SKU and refunds each one
(a measurement, not a test).

    .venv/bin/python bench/recall.py [--orders 10000] [--workers 4] [--api v3|v2]

PostgreSQL (TEST_PG_URL or the local server; this bench needs it), real Redis (BENCH_REDIS_URL, default
db 13 of 127.0.0.1:6379, else an embedded redis-server), the WeChat sandbox and the shop's callback server
in threads (as bench/refunds.py starts them), and real `flask worker` processes at the default rate rules.

The orders: one is placed and paid through the real API and the sandbox; the other N-1 are copies of it
made with INSERT ... SELECT (order, lines, payment, timeline, the stock reservation in the ledger; the
SKU's stock raised first through the inventory service, so stock = Σ ledger still holds), and the
sandbox is given the matching paid WeChat orders. Then a supervisor submits the recall through
POST /api/admin/batches/recall (one reason, one password) and the clock runs until every refund is
`succeeded`. Printed: the time until the batch finished and until the last refund settled, the
sandbox's refund calls per second (max, against WeChat's 150/s) and FREQUENCY_LIMITED answers, and
duplicate payouts (refund calls per out_refund_no, and the sum refunded per WeChat order vs. paid).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "backend"), str(REPO / "tests"), str(REPO / "tests" / "api")]
os.environ.setdefault("TEST_REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"))

SANDBOX_SETTINGS = {"refund_settle_delay": 0.05, "notify_retry_intervals": [0.3, 0.5, 1, 2]}
WECHAT_REFUNDS_PER_SECOND = 150


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10000, help="paid orders of the recalled SKU")
    parser.add_argument("--workers", type=int, default=4, help="worker processes")
    parser.add_argument("--api", choices=("v3", "v2"), default="v3", help="WeChat Pay protocol (default v3)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait for every refund")
    args = parser.parse_args()

    import logging

    from flask_migrate import upgrade
    from redis import Redis

    from conftest import wechatpay_config
    from shop import create_app
    from shop.cli.seed import seed_demo
    from support.services import (RedisServer, SandboxControl, ServerThread, drop_postgres, free_port,
                                  postgres_available)
    from wechat_sandbox import create_app as create_sandbox
    from wechat_sandbox.keys import ensure_demo_keys

    pg_url = postgres_available()
    if not pg_url:
        raise SystemExit("bench/recall.py needs PostgreSQL (TEST_PG_URL or postgresql://postgres@127.0.0.1:5432)")
    logging.disable(logging.WARNING)
    redis_server = RedisServer()
    redis_url = redis_server.start()
    Redis.from_url(redis_url).flushdb()
    keys = ensure_demo_keys(tempfile.mkdtemp(prefix="bench-wechatpay-"))
    sandbox_app = create_sandbox({**SANDBOX_SETTINGS, "keys_dir": str(keys.folder)})
    sandbox_thread = ServerThread(sandbox_app).start()
    sandbox = SandboxControl(sandbox_thread.url, api=args.api)
    port = free_port()
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_url.replace("postgresql://", "postgresql+psycopg://", 1),
                      "REDIS_URL": redis_url, "WECHAT_API_BASE": sandbox_thread.url + "/",
                      "WECHAT_PAY_API_BASE": sandbox_thread.url + "/", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                      "WECHAT_TIMEOUT": 5.0, "REFUND_RETRY_INTERVALS": [1, 1, 1],
                      **wechatpay_config(args.api, keys)})
    callbacks = None
    try:
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory, revision="heads")
            seed_demo()
            callbacks = ServerThread(app, port).start()
            print(f"PostgreSQL; WeChat Pay {args.api}; {args.orders} paid orders of one SKU; "
                  f"{args.workers} worker processes", flush=True)
            started = time.monotonic()
            sku_id, order_ids = paid_orders_of_one_sku(app, sandbox, sandbox_app, args.orders)
            print(f"orders ready in {time.monotonic() - started:.1f} s", flush=True)
            recall(app, sandbox, sku_id, order_ids, args.workers, args.timeout)
    finally:
        if callbacks:
            callbacks.stop()
        sandbox_thread.stop()
        with app.app_context():
            from shop.extensions import db
            db.session.remove()
            db.engine.dispose()
        drop_postgres(pg_url)
        redis_server.stop()


def paid_orders_of_one_sku(app, sandbox, sandbox_app, count: int) -> tuple[int, list[int]]:
    """One order placed and paid for real, then count-1 copies of it in a few statements."""
    from sqlalchemy import func, select, text

    from shop.db import Order, OrderEvent, OrderLine, Payment, Sku, StockLedger
    from shop.extensions import db
    from shop.services import inventory
    from shop.services.uow import transaction
    from support.services import wait_until
    from support.shop import Shopper

    sku_id = db.session.scalar(select(Sku.id).where(Sku.stock > 0).order_by(Sku.price_fen, Sku.id))
    with transaction():
        inventory.adjust(sku_id, count + 10, "召回压测备货", None)
    shopper = Shopper(app.test_client(), "bench-recall")
    order = shopper.order([(sku_id, 1)])
    shopper.pay(order, sandbox)
    wait_until(lambda: shopper.detail(order["id"])["status"] == "paid", timeout=30)
    template = db.session.get(Order, order["id"])
    # The copies' numbers are as long as a real one (the template's second, "B", six digits): a refund's number is
    # "R", the order's number and eight random digits, within its 32 characters (the template's whole number
    # before "B" made every refund of the batch fail on that length)
    prefix = template.order_no[:14] + "B"
    copies = count - 1

    def columns(model, overrides: dict[str, str], alias: str) -> tuple[str, str]:
        names = [c.name for c in model.__table__.columns if c.name != "id"]
        return ", ".join(names), ", ".join(overrides.get(name, f"{alias}.{name}") for name in names)

    statements = [
        (Order, {"order_no": f"'{prefix}' || lpad(g::text, 6, '0')", "idempotency_key": "NULL"},
         "t", "FROM orders t CROSS JOIN generate_series(1, :copies) g WHERE t.id = :template"),
        (OrderLine, {"order_id": "o.id"}, "l",
         "FROM order_lines l JOIN orders o ON o.order_no LIKE :prefix_like WHERE l.order_id = :template"),
        (Payment, {"order_id": "o.id", "out_trade_no": "'B' || o.order_no", "prepay_id": "NULL",
                   "transaction_id": "'4200B' || lpad(o.id::text, 23, '0')"}, "p",
         "FROM payments p JOIN orders o ON o.order_no LIKE :prefix_like WHERE p.order_id = :template "
         "AND p.status = 'paid'"),
        (OrderEvent, {"order_id": "o.id"}, "e",
         "FROM order_events e JOIN orders o ON o.order_no LIKE :prefix_like WHERE e.order_id = :template"),
        (StockLedger, {"order_id": "l.order_id", "order_line_id": "l.id", "guard": "NULL"}, "s",
         "FROM stock_ledger s JOIN order_lines l ON l.sku_id = s.sku_id JOIN orders o ON o.id = l.order_id "
         "AND o.order_no LIKE :prefix_like WHERE s.order_id = :template AND s.kind = 'reserve'"),
    ]
    params = {"copies": copies, "template": template.id, "prefix_like": prefix + "%"}
    with transaction():
        for model, overrides, alias, source in statements:
            names, values = columns(model, overrides, alias)
            db.session.execute(text(f"INSERT INTO {model.__tablename__} ({names}) SELECT {values} {source}"), params)
        db.session.execute(text("UPDATE skus SET stock = stock - :copies WHERE id = :sku"),
                           {"copies": copies, "sku": sku_id})
    order_ids = [template.id] + list(db.session.scalars(
        select(Order.id).where(Order.order_no.like(prefix + "%")).order_by(Order.id)))
    ledger = db.session.scalar(select(func.sum(StockLedger.change)).where(StockLedger.sku_id == sku_id))
    assert ledger == db.session.get(Sku, sku_id).stock, "stock no longer equals the ledger"

    # WeChat's side: a paid order for each copy, as the sandbox holds the real one.
    state = sandbox_app.extensions["wechat_sandbox"].state
    original = state.payments[db.session.scalar(select(Payment.out_trade_no).where(
        Payment.order_id == template.id, Payment.status == "paid"))]
    rows = db.session.execute(select(Payment.out_trade_no, Payment.transaction_id).join(Order)
                              .where(Order.order_no.like(prefix + "%"))).all()
    with state.lock:
        for out_trade_no, transaction_id in rows:
            state.payments[out_trade_no] = dataclasses.replace(original, out_trade_no=out_trade_no,
                                                               transaction_id=transaction_id)
    db.session.remove()
    return sku_id, order_ids


def recall(app, sandbox, sku_id: int, order_ids: list[int], workers: int, timeout: int) -> None:
    from redis import Redis
    from rq import Worker
    from sqlalchemy import func, select

    from shop.db import Batch, Order, Refund
    from shop.extensions import db
    from support.staff import DEMO_PASSWORD, Staff
    from support.workers import WorkerProcess

    processes = [WorkerProcess(app).start() for _ in range(workers)]
    try:
        connection = Redis.from_url(app.config["REDIS_URL"])
        while len(Worker.all(connection=connection)) < workers:
            time.sleep(0.1)
        supervisor = Staff(app.test_client(), "supervisor")
        started = time.monotonic()
        batch = supervisor.ok("POST", "/batches/recall", {"sku_id": sku_id, "reason_code": "out_of_stock",
                                                          "reason_text": "压测召回", "password": DEMO_PASSWORD},
                              status=202)
        print(f"recall batch {batch['id']}: {batch['total']} orders, submitted in "
              f"{time.monotonic() - started:.1f} s", flush=True)
        batch_done, last_report = None, started
        while True:
            if batch_done is None and db.session.scalar(select(Batch.status).where(Batch.id == batch["id"])) == "finished":
                batch_done = time.monotonic() - started
                print(f"batch finished (every order cancelled, refunds created) after {batch_done:.1f} s", flush=True)
            settled = db.session.scalar(select(func.count()).select_from(Refund).where(
                Refund.order_id.in_(order_ids), Refund.status == "succeeded"))
            db.session.rollback()
            if settled >= len(order_ids):
                break
            if time.monotonic() - last_report >= 60:
                last_report = time.monotonic()
                items = db.session.scalar(select(Batch.done + Batch.failed).where(Batch.id == batch["id"]))
                db.session.rollback()
                print(f"  {last_report - started:.0f} s: {items} orders cancelled by the batch, {settled} refunds "
                      f"succeeded", flush=True)
            if time.monotonic() - started > timeout:
                print(f"only {settled} of {len(order_ids)} refunds succeeded in {timeout} s", flush=True)
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        final = supervisor.ok("GET", f"/batches/{batch['id']}")
        cancelled = db.session.scalar(select(func.count()).select_from(Order).where(
            Order.id.in_(order_ids), Order.status == "cancelled", Order.refund_status == "refunded"))
        outcome = "every refund succeeded" if settled >= len(order_ids) else f"stopped with {settled} refunds succeeded"
        print(f"{outcome} after {elapsed:.1f} s ({settled / elapsed:.1f} refunds/s); batch: "
              f"{final['done']} done, {final['failed']} failed; {cancelled} orders cancelled and refunded",
              flush=True)
    finally:
        for process in processes:
            process.stop()
    report_wechat_side(sandbox, order_ids)


def report_wechat_side(sandbox, order_ids: list[int]) -> None:
    from sqlalchemy import select

    from shop.db import Payment
    from shop.extensions import db

    refunds = sandbox.listing("refunds")
    per_second = Counter(datetime.fromisoformat(r["created_at"]).replace(microsecond=0) for r in refunds)
    stats = sandbox._call("GET", "stats").json()["endpoints"]
    endpoint = stats.get("v3_refund" if sandbox.api == "v3" else "refund", {})
    duplicates = sum(n - 1 for n in Counter(r["out_refund_no"] for r in refunds).values())
    refunded: Counter = Counter()
    for r in refunds:
        refunded[r["out_trade_no"]] += r["amount"]
    paid = dict(db.session.execute(select(Payment.out_trade_no, Payment.amount_fen).where(
        Payment.order_id.in_(order_ids), Payment.status == "paid")).all())
    over = sum(1 for no, amount in refunded.items() if amount > paid.get(no, 0))
    short = sum(1 for no, amount in paid.items() if refunded.get(no, 0) != amount)
    print(f"sandbox: {endpoint.get('calls', 0)} refund calls, max {max(per_second.values(), default=0)} refunds in one "
          f"second (WeChat allows {WECHAT_REFUNDS_PER_SECOND}), FREQUENCY_LIMITED answers "
          f"{endpoint.get('errors', {}).get('FREQUENCY_LIMITED', 0)}", flush=True)
    print(f"duplicate payouts: {duplicates + over} (refunds per out_refund_no > 1: {duplicates}; WeChat orders refunded "
          f"more than paid: {over}; not refunded exactly once in full: {short})", flush=True)


if __name__ == "__main__":
    main()

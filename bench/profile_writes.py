"""Profile placing and cancelling orders in process (issue 13): where a write request spends its time.

Runs against the database a `make bench` run filled (BENCH_DB, default shop_bench_write: use a copy of
your own, the orders it places and cancels stay there) with Redis at BENCH_REDIS_URL (default
redis://127.0.0.1:6379/12). For each of create, cancel (unpaid) and cancel (paid, the refund path) it
sends BENCH_PROFILE_N requests (default 40) through the Flask test client, one shopper per request, and
prints the mean time per request, the statements per request and the functions that take the time
(cProfile, by own time and by cumulative time). PROFILE_SORT=tottime|cumulative, PROFILE_TOP=25;
PROFILE_DUMP=/tmp/w.prof keeps each part's profile (/tmp/w-create.prof ...) for pstats.

    BENCH_DB=shop_bench_write PYTHONPATH=backend .venv/bin/python bench/profile_writes.py [create cancel paid]
"""
from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "backend"), str(REPO / "tests"), str(REPO / "bench")]

DB_NAME = os.environ.get("BENCH_DB", "shop_bench_write")
PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
N = int(os.environ.get("BENCH_PROFILE_N", "40"))
TOP = int(os.environ.get("PROFILE_TOP", "25"))
REASON = {"reason_code": "changed_mind", "reason_text": ""}


def placing_orders(db_name: str, n: int):
    """An app on `db_name` in process (order rate limits lifted) and n shoppers with an address and no unpaid order
    (so the unpaid-order limits never refuse): (app, client, shoppers, headers(s), place(s) -> the create's reply,
    one order of one unit, its Idempotency-Key fresh)."""
    from sqlalchemy import text

    from shop import create_app
    from shop.extensions import db
    from shop.services.auth import issue_token

    url = PG.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + db_name
    limits = {"ORDER_RATE_LIMIT_PER_SHOPPER": "100000 per minute", "ORDER_RATE_LIMIT_PER_IP": "100000 per minute"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": REDIS_URL, "SECRET_KEY": "bench-secret-key",
                      **limits})
    client = app.test_client()
    with app.app_context():
        addresses = dict(db.session.execute(text(
            "SELECT a.shopper_id, min(a.id) FROM addresses a WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE "
            "o.shopper_id = a.shopper_id AND o.status = 'pending_payment') GROUP BY a.shopper_id "
            "ORDER BY random() LIMIT :n"), {"n": n}).all())
        tokens = {s: issue_token("shopper", s) for s in addresses}
        db.session.remove()

    def headers(s):
        return {"Authorization": f"Bearer {tokens[s]}"}

    def place(s):
        return client.post("/api/mp/orders", headers={**headers(s), "Idempotency-Key": uuid.uuid4().hex},
                           json={"items": [{"sku_id": 1 + s % 20, "quantity": 1}], "address_id": addresses[s]})

    return app, client, list(addresses), headers, place


def main(parts: list[str]) -> int:
    from shop.extensions import db
    from support.statements import counting_statements

    from profile_reads import count_round_trips  # bench/, beside this script
    counter: Counter = Counter()
    count_round_trips(counter)
    app, client, makers, headers, place = placing_orders(DB_NAME, 3 * N)

    def paid_orders(shoppers):
        """Fresh orders paid through the payment notification path (no WeChat call), ready to cancel."""
        from shop.db import Payment
        from shop.domain import clock
        from shop.services import ordering
        out = []
        for s in shoppers:
            order = place(s).get_json()
            with app.app_context():
                payment = Payment(order_id=order["id"], out_trade_no=f"{order['order_no']}01",
                                  amount_fen=order["total_fen"], created_at=clock.now())
                db.session.add(payment)
                db.session.commit()
                ordering.record_payment(payment.out_trade_no, "wx" + uuid.uuid4().hex[:20], order["total_fen"])
                db.session.remove()
            out.append((s, order["id"]))
        return out

    runs = {}
    if "create" in parts:
        group = makers[:N]
        runs["create"] = [lambda s=s: place(s) for s in group]
    if "cancel" in parts:
        group = makers[N:2 * N]
        unpaid = [(s, place(s).get_json()["id"]) for s in group]
        runs["cancel (unpaid)"] = [lambda s=s, o=o: client.post(f"/api/mp/orders/{o}/cancel", headers=headers(s),
                                                                json=REASON) for s, o in unpaid]
    if "paid" in parts:
        paid = paid_orders(makers[2 * N:3 * N])
        runs["cancel (paid)"] = [lambda s=s, o=o: client.post(f"/api/mp/orders/{o}/cancel", headers=headers(s),
                                                              json=REASON) for s, o in paid]

    for name, calls in runs.items():
        with app.app_context():
            with counting_statements() as log:
                reply = calls[0]()  # warm-up, and the statements of one request
            db.session.remove()
        assert reply.status_code < 400, reply.get_data(as_text=True)[:300]
        half = len(calls) // 2
        counter.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        for call in calls[1:half]:  # unprofiled
            reply = call()
            assert reply.status_code < 400, reply.get_data(as_text=True)[:300]
        n = max(1, half - 1)
        cpu, wall = (time.process_time() - cpu) * 1000 / n, (time.perf_counter() - wall) * 1000 / n
        trips = {k: v / n for k, v in counter.items()}
        profile = cProfile.Profile(time.process_time)  # CPU time: waits on PostgreSQL and Redis are not ours
        profile.enable()
        for call in calls[half:]:
            reply = call()
            assert reply.status_code < 400, reply.get_data(as_text=True)[:300]
        profile.disable()
        print(f"\n===== {name}: {cpu:.2f} ms CPU, {wall:.2f} ms wall per request (unprofiled, {n} requests); "
              f"{len(log)} statements; round trips per request: PostgreSQL {trips.get('pg', 0):.1f}, "
              f"Redis {trips.get('redis', 0):.1f}\n{log}\n", flush=True)
        if os.environ.get("PROFILE_DUMP"):  # one file per part: PROFILE_DUMP with the part's name before its suffix
            profile.dump_stats(os.environ["PROFILE_DUMP"].replace(".prof", f"-{name.split()[0]}.prof"))
        stats = pstats.Stats(profile).strip_dirs()
        for key in os.environ.get("PROFILE_SORT", "tottime,cumulative").split(","):
            stats.sort_stats(key).print_stats(TOP)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["create", "cancel", "paid"]))

"""Profile the shopper's order list and order page in process (issue 13): where a read request spends its CPU.

Runs against a database a `make bench` run filled (BENCH_DB, default shop_bench_reads; nothing is written)
with Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379/10). For the list and the page it sends
BENCH_PROFILE_N requests (default 300) through the Flask test client, one shopper after another, and prints
per request: CPU ms (process time, unprofiled, the least of BENCH_PROFILE_REPEAT runs, default 3), wall ms,
SQL statements, round trips to PostgreSQL (pings, BEGIN, COMMIT/ROLLBACK and statements, counted at the
driver) and Redis commands; then where the time goes (cProfile on CPU time, by own and cumulative time;
PROFILE_SORT=tottime,cumulative, PROFILE_TOP=25).

    BENCH_DB=shop_bench_reads PYTHONPATH=backend .venv/bin/python bench/profile_reads.py [list detail]
"""
from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "backend"), str(REPO / "tests")]

DB_NAME = os.environ.get("BENCH_DB", "shop_bench_reads")
PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
N = int(os.environ.get("BENCH_PROFILE_N", "300"))
TOP = int(os.environ.get("PROFILE_TOP", "25"))
REPEAT = int(os.environ.get("BENCH_PROFILE_REPEAT", "3"))


def count_round_trips(counter: Counter) -> None:
    """Count what the API sends to PostgreSQL and Redis, at the drivers."""
    import psycopg
    import redis.connection

    execute, commit, rollback = psycopg.Cursor.execute, psycopg.Connection.commit, psycopg.Connection.rollback

    def counted_execute(self, query, *args, **kwargs):
        pgconn = self.connection.pgconn
        if not self.connection.autocommit and pgconn.transaction_status == 0:  # IDLE: psycopg sends BEGIN first
            counter["pg"] += 1
        counter["pg"] += 1
        return execute(self, query, *args, **kwargs)

    def counted_commit(self):
        counter["pg"] += self.pgconn.transaction_status != 0
        return commit(self)

    def counted_rollback(self):
        counter["pg"] += self.pgconn.transaction_status != 0
        return rollback(self)

    psycopg.Cursor.execute, psycopg.Connection.commit = counted_execute, counted_commit
    psycopg.Connection.rollback = counted_rollback
    send = redis.connection.Connection.send_packed_command

    def counted_send(self, command, check_health=True):
        counter["redis"] += 1
        return send(self, command, check_health)

    redis.connection.Connection.send_packed_command = counted_send


def main(parts: list[str]) -> int:
    from sqlalchemy import text

    from shop import create_app
    from shop.extensions import db
    from shop.services.auth import issue_token
    from support.statements import counting_statements

    counter: Counter = Counter()
    count_round_trips(counter)
    url = PG.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + DB_NAME
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": REDIS_URL, "SECRET_KEY": "bench-secret-key"})
    client = app.test_client()
    with app.app_context():
        shoppers = dict(db.session.execute(text(
            "SELECT DISTINCT ON (shopper_id) shopper_id, id FROM orders ORDER BY shopper_id, id DESC LIMIT :n"),
            {"n": N}).all())
        tokens = {s: issue_token("shopper", s) for s in shoppers}
        db.session.remove()
    calls = {
        "list": [("/api/mp/orders", s) for s in shoppers],
        "detail": [(f"/api/mp/orders/{o}", s) for s, o in shoppers.items()],
    }
    for name in parts:
        requests = [(path, {"Authorization": f"Bearer {tokens[s]}"}) for path, s in calls[name]]
        for path, headers in requests[:20]:  # warm-up: compiled caches, prepared statements, pool
            assert client.get(path, headers=headers).status_code == 200
        with app.app_context():
            with counting_statements() as log:
                client.get(*requests[0][:1], headers=requests[0][1])
        runs = []
        for _ in range(REPEAT):  # the least of REPEAT runs: other work on the machine only ever adds
            counter.clear()
            cpu, wall = time.process_time(), time.perf_counter()
            for path, headers in requests:
                reply = client.get(path, headers=headers)
                assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
            runs.append(((time.process_time() - cpu) * 1000 / len(requests),
                         (time.perf_counter() - wall) * 1000 / len(requests)))
        cpu, wall = min(runs)
        trips = {k: v / len(requests) for k, v in counter.items()}
        profile = cProfile.Profile(time.process_time)  # CPU time: waits on PostgreSQL and Redis are not ours
        profile.enable()
        for path, headers in requests:
            client.get(path, headers=headers)
        profile.disable()
        print(f"\n===== {name}: {cpu:.2f} ms CPU, {wall:.2f} ms wall per request (unprofiled, least of {REPEAT} "
              f"runs of {len(requests)} requests); {len(log)} statements; round trips per request: "
              f"PostgreSQL {trips.get('pg', 0):.1f}, "
              f"Redis {trips.get('redis', 0):.1f}\n{log}\n", flush=True)
        if os.environ.get("PROFILE_DUMP"):
            profile.dump_stats(os.environ["PROFILE_DUMP"])
        if TOP:
            stats = pstats.Stats(profile).strip_dirs()
            for key in os.environ.get("PROFILE_SORT", "tottime,cumulative").split(","):
                stats.sort_stats(key).print_stats(TOP)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["list", "detail"]))

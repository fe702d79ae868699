"""What db/driver.DriverWrite saves per create and per cancel (issue 13), measured side by side in one process.

On a busy machine the CPU of one run of bench/profile_writes.py moves by more than a millisecond from run to run,
more than the gain. Here the requests alternate one by one between the driver's cursor (DriverWrite as it is)
and SQLAlchemy's path (DriverWrite sent through Connection.execute, as for SQLite), so both sides see the same
load; each request's CPU is counted without the garbage collections that ran in it (collections fall on one
side or the other depending on where the allocation count crosses the threshold; run one side alone and their
total is the same). Places BENCH_AB_N orders (default 400) in BENCH_DB (default shop_bench_write: the orders
stay there, cancelled), one shopper each, then cancels them; prints mean and median CPU ms per request per side.

    BENCH_DB=shop_bench_write PYTHONPATH=backend .venv/bin/python bench/driver_writes_ab.py
"""
from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "backend"), str(REPO / "bench")]

DB_NAME = os.environ.get("BENCH_DB", "shop_bench_write")
N = int(os.environ.get("BENCH_AB_N", "400"))
REASON = {"reason_code": "changed_mind", "reason_text": ""}


def main() -> int:
    from shop.db.driver import DriverWrite

    from profile_writes import placing_orders  # bench/, beside this script
    _, client, shoppers, headers, place = placing_orders(DB_NAME, N)

    on_cursor = DriverWrite._plan
    in_gc = {"started": 0.0, "ms": 0.0}

    def collected(phase, _info):
        if phase == "start":
            in_gc["started"] = time.process_time()
        else:
            in_gc["ms"] += (time.process_time() - in_gc["started"]) * 1000

    def timed(request, driver: bool):
        """(CPU ms outside garbage collection, reply) of one request on the driver's cursor or SQLAlchemy's path."""
        DriverWrite._plan = on_cursor if driver else lambda *_: None
        in_gc["ms"] = 0.0
        cpu = time.process_time()
        reply = request()
        cpu = (time.process_time() - cpu) * 1000 - in_gc["ms"]
        assert reply.status_code < 400, reply.get_data(as_text=True)[:300]
        return cpu, reply

    def cancel(s, order_id):
        return client.post(f"/api/mp/orders/{order_id}/cancel", headers=headers(s), json=REASON)

    results = {"create": {True: [], False: []}, "cancel (unpaid)": {True: [], False: []}}
    placed = []
    gc.callbacks.append(collected)
    try:
        for i, s in enumerate(shoppers):
            cpu, reply = timed(partial(place, s), i % 2 == 0)
            placed.append((s, reply.get_json()["id"]))
            if i >= 4:  # warmed up: the policy, the compiled statements, psycopg's prepared ones
                results["create"][i % 2 == 0].append(cpu)
        for i, (s, order_id) in enumerate(placed):
            cpu, _ = timed(partial(cancel, s, order_id), i % 2 == 0)
            if i >= 4:
                results["cancel (unpaid)"][i % 2 == 0].append(cpu)
    finally:
        gc.callbacks.remove(collected)
        DriverWrite._plan = on_cursor
    for name, sides in results.items():
        ours, theirs = sides[True], sides[False]
        mean, median = statistics.mean, statistics.median
        print(f"{name}: SQLAlchemy's path {mean(theirs):.2f} ms CPU (median {median(theirs):.2f}), driver's cursor "
              f"{mean(ours):.2f} (median {median(ours):.2f}): {mean(theirs) - mean(ours):.2f} ms less per request "
              f"(median {median(theirs) - median(ours):.2f}; {len(ours)} + {len(theirs)} requests, garbage "
              "collections left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

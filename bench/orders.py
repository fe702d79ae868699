"""`make bench`: the shop at a million orders, measured side by side (issue 13).

Builds a throw-away PostgreSQL database (`shop_bench`, or BENCH_DB, next to BENCH_PG_URL, default
postgresql://postgres@127.0.0.1:5432/postgres) and fills it with BENCH_ORDERS orders (default
1,000,000) for a tenth as many shoppers, spread over 365 days, with INSERT ... SELECT generate_series.
Then it serves the API and a bare Flask JSON endpoint (bench/bare_app.py) under the same gunicorn
settings as `make run` (2 workers x 8 threads) and prints:

- throughput ratios, each the median of interleaved A/B runs (A, then B, then A ...): shopper order
  list and order detail against the bare endpoint; create and cancel against a raw-SQL floor (psycopg
  issuing the minimal statements in one transaction, with as many connections as the HTTP clients);
- admin filters (product 钢笔; status=paid sorted by amount; status + product + last 7 days) p50/p95,
  and the statistics (summary; cancellations by day and by category, over the whole year);
- SQL statements per request for every endpoint (counted in process on the same database);
- the RSS of the API (gunicorn master + workers) and of an RQ worker, sampled throughout.

The load generator runs on the same machine (BENCH_CLIENTS processes x BENCH_THREADS threads), so
ratios are comparable within one run; absolute figures depend on the machine.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import floor  # bench/, beside this script

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "backend"), str(REPO / "tests")]
if os.environ.get("BENCH_REDIS_URL"):  # else a Redis on 127.0.0.1:6379, else an embedded redis-server
    os.environ["TEST_REDIS_URL"] = os.environ["BENCH_REDIS_URL"]

ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
SHOPPERS = max(1, ORDERS // 10)
DAYS = 365
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
RUN_SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8170"))
DB_NAME = os.environ.get("BENCH_DB", "shop_bench")
# BENCH_ONLY=list,detail,create,cancel,admin,stats,counts measures only those parts (default: all).
ONLY = {part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()}
# BENCH_CREATE_SKUS=N places the bench's orders (API, floor and ceiling alike) on the first N SKUs instead of the whole
# catalogue: 1 is a popular SKU, every create taking stock from one row.
CREATE_SKUS = int(os.environ.get("BENCH_CREATE_SKUS", "0"))


def wanted(part: str) -> bool:
    return not ONLY or part in ONLY  # another name lets two benches run side by side
MAKERS = 6000  # distinct shoppers placing orders during the bench
SECRET = "bench-secret-key"
# Every load client is 127.0.0.1: the per-address order limit (300 a minute) would answer most creates with 429 and
# cap the measured rate. The limiter still checks each create (its cost is measured).
LIFTED_ORDER_LIMITS = {"ORDER_RATE_LIMIT_PER_IP": "1000000 per minute",
                       "ORDER_RATE_LIMIT_PER_SHOPPER": "1000000 per minute"}


def _gunicorn() -> list[str]:
    """`make run`'s gunicorn settings as its configuration reads them from the environment (WEB_CONCURRENCY
    processes x WEB_THREADS threads), for the API and the bare endpoint alike."""
    from shop.config import load_config
    serving = load_config()
    return ["--workers", str(serving["WEB_CONCURRENCY"]), "--threads", str(serving["WEB_THREADS"])]


GUNICORN = _gunicorn()


def bench_url() -> tuple[str, str]:
    base = ADMIN_URL.rsplit("/", 1)[0]
    return base + "/" + DB_NAME, base.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + DB_NAME


def create_database() -> None:
    import psycopg
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


FILL_SQL = [
    """INSERT INTO shoppers (openid, nickname, phone, member_level, balance_fen, risk_flagged, risk_reasons,
                             risk_allow_listed, subscriptions, created_at)
       SELECT 'sandbox-bench-' || i, '顾客' || i, '138' || lpad(i::text, 8, '0'), i % 4, 0, false, '[]', false, '{}',
              now() - interval '400 days'
       FROM generate_series(1, :shoppers) AS i""",
    # Order i was placed i * (365 days / ORDERS) ago; its status cycles through eight kinds.
    """INSERT INTO orders (order_no, shopper_id, status, refund_status, goods_fen, discount_fen, shipping_fen,
                          total_fen, paid_fen, refunded_fen, receiver_name, receiver_phone, province, city, district,
                          address_detail, remark, version, created_at, paid_at, cancelled_at, updated_at,
                          pay_deadline, cancel_reason_code)
       SELECT 'B' || lpad(i::text, 19, '0'), 1 + (i % :shoppers),
              (ARRAY['pending_payment','paid','accepted','shipped','completed','completed','completed','cancelled'])[1 + i % 8],
              CASE WHEN i % 8 = 7 THEN 'refunded' ELSE 'none' END,
              2900 * (1 + i % 3), 0, 800, 2900 * (1 + i % 3) + 800,
              CASE WHEN i % 8 = 0 THEN 0 ELSE 2900 * (1 + i % 3) + 800 END,
              CASE WHEN i % 8 = 7 THEN 2900 * (1 + i % 3) + 800 ELSE 0 END,
              '顾客' || (1 + i % :shoppers), '13800138000', '广东省', '深圳市', '南山区', '科技园路 1 号', '', 1,
              t, CASE WHEN i % 8 = 0 THEN NULL ELSE t + interval '2 minutes' END,
              CASE WHEN i % 8 = 7 THEN t + interval '10 minutes' END, t, t + interval '30 minutes',
              CASE WHEN i % 8 = 7 THEN (ARRAY['changed_mind','wrong_item','found_better'])[1 + i % 3] END
       FROM generate_series(1, :orders) AS i, LATERAL (SELECT now() - i * (:days * interval '1 day') / :orders AS t) AS c""",
    """INSERT INTO order_lines (order_id, sku_id, product_id, product_name, sku_name, image, unit_price_fen, quantity,
                               goods_fen, discount_fen, refunded_quantity, refunded_fen)
       SELECT o.id, s.id, s.product_id, p.name, s.name, '', 2900, 1 + o.id % 3, 2900 * (1 + o.id % 3), 0, 0, 0
       FROM orders o JOIN skus s ON s.id = 1 + o.id % (SELECT count(*) FROM skus) JOIN products p ON p.id = s.product_id""",
    """INSERT INTO order_events (order_id, kind, actor_type, actor_name, actor_role, actor_ip, reason, data,
                                visible_to_shopper, to_status, created_at)
       SELECT id, 'placed', 'shopper', '顾客', 'shopper', '', '', '{}', true, 'pending_payment', created_at FROM orders""",
    """INSERT INTO order_events (order_id, kind, actor_type, actor_name, actor_role, actor_ip, reason, data,
                                visible_to_shopper, from_status, to_status, created_at)
       SELECT id, 'cancelled', 'shopper', '顾客', 'shopper', '', '', '{}', true, 'paid', 'cancelled', cancelled_at
       FROM orders WHERE status = 'cancelled'""",
    # Creates and cancels during the bench must not run out of stock.
    "UPDATE skus SET stock = 100000000",
    # VACUUM as autovacuum would in production (it is off on the CI machine): pages become all-visible, so
    # index-only counts read no heap; ANALYZE for the planner. Outside a transaction.
    "VACUUM (ANALYZE)",
]


BULK_TABLES = ("orders", "order_lines", "order_events")


def fill(app) -> float:
    """Bulk load: the secondary indexes of the big tables are dropped first and built again after,
    which is several times faster than maintaining them row by row."""
    from sqlalchemy import text

    from shop.extensions import db
    started = time.monotonic()
    with app.app_context():
        db.session.execute(text("SET synchronous_commit = off"))
        db.session.execute(text("SET maintenance_work_mem = '256MB'"))
        indexes = db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:tables) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"), {"tables": list(BULK_TABLES)}).all()
        for name, _ in indexes:
            db.session.execute(text(f'DROP INDEX "{name}"'))
        for statement in FILL_SQL[:-1]:
            db.session.execute(text(statement), {"shoppers": SHOPPERS, "orders": ORDERS, "days": DAYS})
        for _, definition in indexes:
            db.session.execute(text(definition))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(FILL_SQL[-1]))
            # Seen here: the first VACUUM now and then leaves order_lines with no page all-visible
            # (pg_class.relallvisible 0), and the product filter then reads its lines from the heap; a second
            # pass sets them, as autovacuum's next round would in production.
            for _ in range(3):
                behind = conn.execute(text(
                    "SELECT relname FROM pg_class WHERE relname = ANY(:tables) AND relallvisible < relpages * 0.9"),
                    {"tables": list(BULK_TABLES)}).scalars().all()
                if not behind:
                    break
                print(f"  VACUUM again: {', '.join(behind)} not all-visible yet", flush=True)
                time.sleep(1)
                conn.execute(text(f"VACUUM (ANALYZE) {', '.join(behind)}"))
        rebuild = _stats_rebuild()
        if rebuild:
            rebuild()
            db.session.commit()
    return time.monotonic() - started


def _stats_rebuild():
    """The statistics rollup rebuild, when this checkout has one."""
    from shop.services import stats
    return getattr(stats, "rebuild_rollups", None)


# ---- load generation (runs in client processes) ----------------------------------------------------


def _http_worker(port: int, items: list, deadline: float, consume: bool, out: list) -> None:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    done = errors = 0
    i = 0
    while time.monotonic() < deadline:
        if consume and i >= len(items):
            break
        method, path, headers, body = items[i % len(items)]
        i += 1
        payload = json.dumps(body) if body is not None else None
        headers = {**headers, "Content-Type": "application/json"} if payload else headers
        if method == "POST" and path == "/api/mp/orders":
            headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
        try:
            conn.request(method, path, body=payload, headers=headers)
            reply = conn.getresponse()
            reply.read()
            if reply.status < 400:
                done += 1
            else:
                errors += 1
        except OSError:
            errors += 1
            conn.close()
            conn = HTTPConnection("127.0.0.1", port, timeout=30)
    out.append((done, errors))


def _floor_worker(dsn: str, kind: str, items: list, deadline: float, out: list) -> None:
    import psycopg
    done = errors = 0
    with psycopg.connect(dsn) as conn:
        i = 0
        while time.monotonic() < deadline:
            if kind == "cancel" and i >= len(items):
                break
            item = items[i % len(items)]
            i += 1
            try:
                with conn.transaction():
                    (floor.CREATE if kind == "create" else floor.CANCEL)(conn, item)
                done += 1
            except psycopg.Error:
                errors += 1
    out.append((done, errors))


def _client_process(job: dict, queue) -> None:
    deadline = time.monotonic() + job["seconds"]
    out: list = []
    threads = []
    for share in job["shares"]:
        if job["kind"] == "http":
            target, args = _http_worker, (job["port"], share, deadline, job["consume"], out)
        else:
            target, args = _floor_worker, (job["dsn"], job["kind"], share, deadline, out)
        threads.append(threading.Thread(target=target, args=args))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(out)


class Load(NamedTuple):
    per_second: float
    done: int  # requests (or transactions) completed
    errors: int  # answered 4xx/5xx or failed: not counted in per_second


def run_load(kind: str, items: list, *, consume: bool = False, dsn: str = "", port: int = PORT) -> Load:
    """Requests (or transactions) per second, and how many, with CLIENTS x THREADS concurrent clients over
    RUN_SECONDS."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    n = CLIENTS * THREADS
    # Disjoint shares when there are enough items (a shopper's creates stay few), else each its rotation.
    shares = [items[i::n] for i in range(n)] if consume or len(items) >= n else \
        [items[i % len(items):] + items[:i % len(items)] for i in range(n)]
    started = time.monotonic()
    procs = [ctx.Process(target=_client_process, args=({
        "kind": kind, "shares": shares[c * THREADS:(c + 1) * THREADS], "seconds": RUN_SECONDS, "port": port,
        "consume": consume, "dsn": dsn}, queue)) for c in range(CLIENTS)]
    for p in procs:
        p.start()
    results = [pair for _ in procs for pair in queue.get()]
    for p in procs:
        p.join()
    elapsed = time.monotonic() - started
    done, errors = sum(d for d, _ in results), sum(e for _, e in results)
    if errors and not done:
        raise SystemExit(f"{kind}: every request failed ({errors})")
    return Load(done / elapsed, done, errors)


# ---- servers and memory -----------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path):
        self.name = name
        log = open(log_dir / f"{name}.log", "w")
        self.proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def processes(self):
        import psutil
        try:
            parent = psutil.Process(self.proc.pid)
            return [parent] + parent.children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def rss_mb(self) -> float:
        total = 0
        for p in self.processes():
            try:
                total += p.memory_info().rss
            except Exception:  # a process that just exited
                pass
        return total / 2**20

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


class MemorySampler(threading.Thread):
    def __init__(self, servers: list[Server]):
        super().__init__(daemon=True)
        self.servers, self.samples = servers, {s.name: [] for s in servers}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for server in self.servers:
                self.samples[server.name].append(server.rss_mb())


class CpuMeter:
    """CPU seconds used so far by the API (or the yardstick's server), by PostgreSQL and by the load generator, so
    that each run's figure per request says where the time went. PostgreSQL's backends come and go with the
    connections: the postmaster's reaped children are counted with the live ones. The load generator's processes
    are this process's reaped children (resource.RUSAGE_CHILDREN)."""

    def __init__(self):
        import psutil
        self.postmaster = None  # the postgres process whose parent is not a postgres process
        for p in psutil.process_iter(["name"]):
            try:
                if p.info["name"] == "postgres" and (p.parent() is None or p.parent().name() != "postgres"):
                    self.postmaster = p
                    break
            except psutil.Error:
                continue

    @staticmethod
    def _cpu_seconds(processes) -> float:
        """User + system seconds of these processes; one that just exited counts nothing (PostgreSQL's are then
        counted with the postmaster's reaped children)."""
        total = 0.0
        for p in processes:
            try:
                times = p.cpu_times()
                total += times.user + times.system
            except Exception:
                pass
        return total

    def _postgres(self) -> float:
        if self.postmaster is None:
            return 0.0
        try:
            own, backends = self.postmaster.cpu_times(), self.postmaster.children()
        except Exception:
            return 0.0
        return own.children_user + own.children_system + self._cpu_seconds([self.postmaster, *backends])

    def read(self, server: "Server | None") -> tuple[float, float, float]:
        import resource
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (self._cpu_seconds(server.processes() if server else []), self._postgres(),
                children.ru_utime + children.ru_stime)


def wait_http(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"nothing answered on port {port}{path}")


def timed_get(port: int, path: str, headers: dict, n: int) -> tuple[float, float]:
    """(p50, p95) in ms of n sequential GETs after one warm-up."""
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    path = quote(path, safe="/?=&")
    samples = []
    for i in range(n + 1):
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        reply = conn.getresponse()
        body = reply.read()
        if reply.status >= 400:
            raise SystemExit(f"GET {path}: HTTP {reply.status} {body[:200]!r}")
        if i:
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


# ---- the run ----------------------------------------------------------------------------------------


def main() -> int:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from shop import create_app
    from shop.cli.seed import seed_demo
    from shop.extensions import db
    from support.services import RedisServer

    wall = time.monotonic()
    redis = RedisServer()
    redis_url = redis.start()
    dsn, url = bench_url()
    reuse = os.environ.get("BENCH_REUSE") == "1"  # measure again on the database a previous run filled
    if not reuse:
        create_database()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET,
                      **LIFTED_ORDER_LIMITS})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        seed_demo()
    if not reuse:
        print(f"filling {ORDERS:,} orders for {SHOPPERS:,} shoppers over {DAYS} days ...", flush=True)
        print(f"  filled in {fill(app):.0f} s", flush=True)

    client = app.test_client()
    with app.app_context():
        from shop.services.auth import issue_token
        readers = [1 + (i * 7919) % SHOPPERS for i in range(256)]
        own = dict(db.session.execute(text(
            "SELECT DISTINCT ON (shopper_id) shopper_id, id FROM orders WHERE shopper_id = ANY(:ids) "
            "ORDER BY shopper_id, id DESC"), {"ids": readers}).all())
        token = {s: issue_token("shopper", s) for s in readers}
        pending = db.session.execute(text(
            "SELECT o.id, o.shopper_id, l.id, l.sku_id, l.quantity FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "WHERE o.status = 'pending_payment' ORDER BY o.id LIMIT 200000")).all()
        cancel_tokens = {}
        # The orders placed during the bench spread over the whole catalogue as the filled ones do: a product that
        # sold in 1 of 36 filled orders keeps selling so, and the product filter's newest orders stay a fair
        # sample (with some SKUs left out, the newest 16,000 orders lacked 钢笔 and its page walked them all).
        catalogue = db.session.scalar(text("SELECT count(*) FROM skus"))
        catalogue = min(catalogue, CREATE_SKUS or catalogue)
    # Creates come from many shoppers without unpaid orders (one shopper may hold only a few unpaid
    # orders), each with an address: shoppers s with (s - 1) % 8 != 0 have none in the filled data.
    with app.app_context():
        pool = [s for s in range(2, SHOPPERS + 1) if (s - 1) % 8][-MAKERS:]
        db.session.execute(text(
            "INSERT INTO addresses (shopper_id, receiver, phone, province, city, district, detail, is_default, "
            "created_at) SELECT s, '张三', '13800138000', '广东省', '深圳市', '南山区', '科技园路 1 号', true, now() "
            "FROM unnest(CAST(:ids AS integer[])) AS s WHERE NOT EXISTS (SELECT 1 FROM addresses a WHERE a.shopper_id = s)"),
            {"ids": pool})
        db.session.commit()
        addresses = dict(db.session.execute(text(
            "SELECT shopper_id, min(id) FROM addresses WHERE shopper_id = ANY(:ids) GROUP BY shopper_id"),
            {"ids": pool}).all())
        makers = [s for s in pool if s in addresses and not db.session.scalar(text(
            "SELECT 1 FROM orders WHERE shopper_id = :s AND status = 'pending_payment' LIMIT 1"), {"s": s})]
        token.update({s: issue_token("shopper", s) for s in makers})
    staff = client.post("/api/admin/auth/login", json={"username": "admin", "password": "demo1234"}).get_json()
    admin_headers = {"Authorization": f"Bearer {staff['token']}"}

    def mp(s):
        return {"Authorization": f"Bearer {token[s]}"}

    list_items = [("GET", "/api/mp/orders", mp(s), None) for s in readers]
    detail_items = [("GET", f"/api/mp/orders/{own[s]}", mp(s), None) for s in readers if s in own]
    bare_items = [("GET", "/bare", {}, None)]
    create_items = [("POST", "/api/mp/orders", mp(s), {"items": [{"sku_id": 1 + i % catalogue, "quantity": 1}],
                                                         "address_id": addresses[s]})
                    for i, s in enumerate(makers)]
    # The floor and the ceiling place orders for other shoppers than the API's (those already hold unpaid orders):
    # what they leave unpaid never meets the API's per-shopper limits.
    floor_create_items = [(s, 1 + i % catalogue) for i, s in enumerate(range(1, SHOPPERS + 1, 8))][:MAKERS]
    ceiling_create_items = [("POST", "/bare/create", {}, {"shopper_id": s, "sku_id": sku})
                            for s, sku in floor_create_items]
    # Each cancel uses up an unpaid order: hand out disjoint slices, API, floor and ceiling alike.
    slices = iter(range(0, len(pending), len(pending) // (3 * ROUNDS)))

    def next_pending():
        start = next(slices)
        return pending[start:start + len(pending) // (3 * ROUNDS)]

    def cancel_items(rows):
        with app.app_context():
            for _, shopper_id, *_ in rows:
                if shopper_id not in cancel_tokens:
                    cancel_tokens[shopper_id] = issue_token("shopper", shopper_id)
        return [("POST", f"/api/mp/orders/{order_id}/cancel",
                 {"Authorization": f"Bearer {cancel_tokens[shopper_id]}"},
                 {"reason_code": "changed_mind", "reason_text": ""}) for order_id, shopper_id, *_ in rows]

    def floor_cancel_items(rows):
        return [(order_id, line_id, sku_id, quantity) for order_id, _, line_id, sku_id, quantity in rows]

    def ceiling_cancel_items(rows):
        return [("POST", "/bare/cancel", {}, {"order_id": order_id, "line_id": line_id, "sku_id": sku_id,
                                             "quantity": quantity})
                for order_id, line_id, sku_id, quantity in floor_cancel_items(rows)]

    log_dir = Path(os.environ.get("BENCH_LOG_DIR", "/tmp/shop-bench"))
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'backend'}{os.pathsep}{REPO / 'bench'}",
           "DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET, "DEMO_DATA": "0",
           "SHOP_VAR_DIR": str(log_dir / "var"), **LIFTED_ORDER_LIMITS}
    python = sys.executable
    api = Server("api", [python, "-m", "gunicorn", *GUNICORN, "--bind", f"127.0.0.1:{PORT}",
                         "--access-logfile", "-", "shop:create_app()"], env, log_dir)
    bare = Server("bare", [python, "-m", "gunicorn", *GUNICORN, "--bind", f"127.0.0.1:{PORT + 1}",
                           "--access-logfile", "-", "bare_app:app"], env, log_dir)
    worker = Server("worker", [python, "-m", "flask", "--app", "shop", "worker"], env, log_dir)
    sampler = MemorySampler([api, worker])
    try:
        wait_http(PORT, "/api/health")
        wait_http(PORT + 1, "/bare")
        sampler.start()
        pairs = {
            "shopper order list ÷ bare Flask": (lambda: run_load("http", list_items),
                                                lambda: run_load("http", bare_items, port=PORT + 1), 0.25),
            "order detail ÷ bare Flask": (lambda: run_load("http", detail_items),
                                          lambda: run_load("http", bare_items, port=PORT + 1), 0.25),
            "create order ÷ raw-SQL floor": (lambda: run_load("http", create_items),
                                             lambda: run_load("create", floor_create_items, dsn=dsn), 0.5),
            "cancel order ÷ raw-SQL floor": (lambda: run_load("http", cancel_items(next_pending()), consume=True),
                                             lambda: run_load("cancel", floor_cancel_items(next_pending()),
                                                              consume=True, dsn=dsn), 0.5),
        }
        # The writes' third side, the ceiling: the floor's own statements behind a bare Flask endpoint
        # (bench/bare_app.py), measured against the same floor in the same round. No Flask app that answers
        # over HTTP can pass it: it is what the goal leaves room for.
        ceilings = {
            "create order ÷ raw-SQL floor": lambda: run_load("http", ceiling_create_items, port=PORT + 1),
            "cancel order ÷ raw-SQL floor": lambda: run_load("http", ceiling_cancel_items(next_pending()),
                                                             consume=True, port=PORT + 1),
        }
        keys = dict(zip(pairs, ("list", "detail", "create", "cancel")))
        pairs = {name: pair for name, pair in pairs.items() if wanted(keys[name])}
        run_load("http", list_items[:8])  # warm both servers up
        run_load("http", bare_items, port=PORT + 1)
        ratios = {name: [] for name in pairs}
        ceiling_ratios = {name: [] for name in pairs if name in ceilings}
        absolute = {name: ([], []) for name in pairs}
        meter = CpuMeter()
        # CPU ms per request (ours) or per request/transaction (the yardstick, the ceiling):
        # [server, PostgreSQL, load generator]
        cpu = {name: ([], [], []) for name in pairs}
        failed = {name: [0, 0, 0] for name in pairs}  # per side: requests that failed, over every round
        yardstick_server = {name: (bare if "bare Flask" in name else None) for name in pairs}

        def measured(run, server):
            before = meter.read(server)
            load = run()
            after = meter.read(server)
            return load.per_second, [1000 * (b - a) / max(1, load.done) for a, b in zip(before, after)], load.errors

        for round_no in range(ROUNDS):
            for name, (a, b, _) in pairs.items():
                sides = [(a, api, 0), (b, yardstick_server[name], 1)]
                if name in ceilings:
                    sides.append((ceilings[name], bare, 2))
                results = {}
                for run, server, side in (sides if round_no % 2 == 0 else sides[::-1]):
                    results[side] = measured(run, server)
                ours, theirs = results[0][0], results[1][0]
                ratios[name].append(ours / theirs)
                absolute[name][0].append(ours)
                absolute[name][1].append(theirs)
                for side, (_, side_cpu, errors) in results.items():
                    cpu[name][side].append(side_cpu)
                    failed[name][side] += errors
                if 2 in results:
                    ceiling_ratios[name].append(results[2][0] / theirs)
            print(f"  round {round_no + 1}/{ROUNDS} done", flush=True)

        print(f"\n{'throughput (median of ' + str(ROUNDS) + ' interleaved A/B runs)':<44} {'ratio':>7} {'goal':>6}"
              f" {'ours/s':>8} {'yardstick/s':>12}")
        for name, (_, _, goal) in pairs.items():
            ratio = statistics.median(ratios[name])
            print(f"{name:<44} {ratio:>7.2f} {'≥' + str(goal):>6} {statistics.median(absolute[name][0]):>8.0f}"
                  f" {statistics.median(absolute[name][1]):>12.0f}  {'ok' if ratio >= goal else 'BELOW GOAL'}")
        if any(any(sides) for sides in failed.values()):
            print("requests that failed during the runs (answered 4xx/5xx or no answer; not counted above), "
                  "ours / yardstick / ceiling:")
            for name, sides in failed.items():
                print(f"  {name:<42} {' / '.join(str(n) for n in sides)}")
        else:
            print("every request of the runs succeeded")
        if ceiling_ratios:
            print(f"\n{'ceiling: bare Flask sending the floor SQL ÷ floor':<44} {'ratio':>7} {'goal':>6}"
                  f" {'ours ÷ ceiling':>15}")
            for name, values in ceiling_ratios.items():
                ceiling = statistics.median(values)
                goal = pairs[name][2]
                print(f"{name:<44} {ceiling:>7.2f} {'≥' + str(goal):>6}"
                      f" {statistics.median(ratios[name]) / ceiling:>15.2f}"
                      f"  {'the goal is above what any Flask endpoint reaches' if ceiling < goal else ''}")
        if pairs:
            print(f"\n{'CPU ms per request (median): server / PostgreSQL / load':<58} {'ours':>20} {'yardstick':>20}"
                  f" {'ceiling':>20}")
            for name in pairs:
                figures = [' / '.join(f'{statistics.median(run[i] for run in cpu[name][side]):.2f}' for i in range(3))
                           if cpu[name][side] else '' for side in (0, 1, 2)]
                print(f"{name:<58} {figures[0]:>20} {figures[1]:>20} {figures[2]:>20}")

        from shop.domain import clock
        week_ago = (clock.to_shanghai(clock.now()).date().toordinal() - 6)
        from datetime import date
        week = date.fromordinal(week_ago).isoformat()
        year = date.fromordinal(week_ago - DAYS + 7).isoformat()
        timings = [
            ("admin filter: product 钢笔", "/api/admin/orders?product=钢笔", 200),
            ("admin filter: status=paid by amount", "/api/admin/orders?status=paid&sort=total_fen", 200),
            ("admin filter: paid + 钢笔 + 7 days", f"/api/admin/orders?status=paid&product=钢笔&created_from={week}",
             200),
            ("admin list, page 1", "/api/admin/orders", 200),
            ("stats summary (a year)", f"/api/admin/stats/summary?from={year}", 300),
            ("cancellations by day (a year)", f"/api/admin/stats/cancellations?group_by=day&from={year}", 300),
            ("cancellations by category (a year)",
             f"/api/admin/stats/cancellations?group_by=category&from={year}", 300),
        ]
        if wanted("stats"):
            # What `make run`'s cron does every minute (refresh_stats_today): today's figures stored up to
            # SETTLE_SECONDS ago, so a report reads stored days plus the last moments' orders, as it would there
            # (without it, every report re-read the thousands of orders the load above cancelled).
            from shop.services import stats
            if {"create", "cancel"} & {keys[name] for name in pairs}:
                time.sleep(stats.SETTLE_SECONDS)  # the load's last orders are stored too
            with app.app_context():
                stats.refresh_today()
        print(f"\n{'request (20 sequential, after one warm-up)':<44} {'p50 ms':>8} {'p95 ms':>8} {'goal':>7}")
        for label, path, goal in timings:
            if not wanted("stats" if label.startswith(("stats", "cancellations")) else "admin"):
                continue
            p50, p95 = timed_get(PORT, path, admin_headers, 20)
            print(f"{label:<44} {p50:>8.1f} {p95:>8.1f} {'<' + str(goal):>7}  {'ok' if p95 < goal else 'ABOVE GOAL'}")

        if wanted("counts"):
            requests = _hot_requests(app, client, token, readers, own, makers, addresses, admin_headers, pending,
                                     week, year)
            print_statement_counts(app, requests)
            print_replanned(app, requests)
    finally:
        sampler.stopped.set()
        for server in (api, bare, worker):
            server.stop()
        redis.stop()
    print("\nRSS, sampled every 0.5 s during the runs (MB):")
    for name, samples in sampler.samples.items():
        if samples:
            print(f"  {name + (' (gunicorn master + 2 workers)' if name == 'api' else ' (flask worker)'):<40}"
                  f" start {samples[0]:.0f}  max {max(samples):.0f}  end {samples[-1]:.0f}")
    print(f"\nwhole bench: {time.monotonic() - wall:.0f} s")
    return 0


def _hot_requests(app, client, token, readers, own, makers, addresses, admin_headers, pending, week, year):
    """(label, request for round i) for every endpoint the bench counts: round i places an order for makers[i] and
    cancels the i-th unpaid order from the end, so that each round writes."""
    s = readers[0]
    mp = {"Authorization": f"Bearer {token[s]}"}
    with app.app_context():
        from shop.services.auth import issue_token
        cancel_headers = {row[1]: {"Authorization": f"Bearer {issue_token('shopper', row[1])}"}
                          for row in pending[-(REPLAN_ROUNDS + 1):]}

    def create(i):
        return client.post("/api/mp/orders", headers={"Authorization": f"Bearer {token[makers[i]]}",
                                                      "Idempotency-Key": uuid.uuid4().hex},
                           json={"items": [{"sku_id": 1, "quantity": 1}], "address_id": addresses[makers[i]]})

    def cancel(i):
        order_id, shopper_id = pending[-1 - i][0], pending[-1 - i][1]
        return client.post(f"/api/mp/orders/{order_id}/cancel", headers=cancel_headers[shopper_id],
                           json={"reason_code": "changed_mind", "reason_text": ""})

    def get(path, headers):
        return lambda i: client.get(path, headers=headers)

    return [
        ("GET /api/mp/orders", get("/api/mp/orders", mp)),
        ("GET /api/mp/orders?q=数据线", get("/api/mp/orders?q=数据线", mp)),
        ("GET /api/mp/orders/<id>", get(f"/api/mp/orders/{own[s]}", mp)),
        ("POST /api/mp/orders", create),
        ("POST /api/mp/orders/<id>/cancel", cancel),
        ("GET /api/admin/orders", get("/api/admin/orders", admin_headers)),
        ("GET /api/admin/orders?status&product&date", get(
            f"/api/admin/orders?status=paid&product=钢笔&created_from={week}", admin_headers)),
        ("GET /api/admin/orders/<id>", get(f"/api/admin/orders/{own[s]}", admin_headers)),
        ("GET /api/admin/requests", get("/api/admin/requests", admin_headers)),
        ("GET /api/admin/refunds", get("/api/admin/refunds", admin_headers)),
        ("GET /api/admin/stats/summary", get(f"/api/admin/stats/summary?from={year}", admin_headers)),
        ("GET /api/admin/stats/cancellations?group_by=day", get(
            f"/api/admin/stats/cancellations?group_by=day&from={year}", admin_headers)),
    ]


REPLAN_ROUNDS = 30  # psycopg prepares on the 6th execution on a connection, then PostgreSQL plans it 5 times per value


def print_statement_counts(app, requests) -> None:
    from shop.extensions import db
    from support.statements import counting_statements

    print(f"\n{'SQL statements per request':<48} {'count':>6}")
    with app.app_context():
        for label, call in requests:
            db.session.remove()
            with counting_statements() as log:
                reply = call(0)
            print(f"{label:<48} {len(log):>6}" + ("" if reply.status_code < 400 else f"  (HTTP {reply.status_code})"))


def print_replanned(app, requests) -> None:
    """The statements PostgreSQL planned again on each execution, at a million orders: each endpoint is sent
    REPLAN_ROUNDS more times in process, then every pooled connection says how it planned what it prepared
    (pg_prepared_statements). A prepared statement gets five plans for its parameters' values, then one plan for
    all values if that one looks as good; a statement still planned for its values after that pays the planning
    on every request. For the shopper's requests that is a cost to remove (a value that decides the plan, such
    as a rare status, sent as a parameter); the admin's filters and reports are planned for their values (date
    ranges, statuses) by choice."""
    from sqlalchemy import text

    from shop.extensions import db

    def replanned_now() -> tuple[dict[str, int], int]:
        with app.app_context():
            taken = [db.engine.connect() for _ in range(db.engine.pool.checkedin())]
            found: dict[str, int] = {}
            try:
                for conn in taken:
                    for statement, custom in conn.execute(text(
                            "SELECT statement, custom_plans FROM pg_prepared_statements "
                            "WHERE custom_plans > 5 AND generic_plans = 0")):
                        key = " ".join(statement.split())[:90]
                        found[key] = max(found.get(key, 0), custom)
            finally:
                for conn in taken:
                    conn.close()
        return found, len(taken)

    seen: set[str] = set()
    by_endpoint: dict[str, list[tuple[str, int]]] = {}
    refused = {}
    connections = 0
    for label, call in requests:  # each request in its own app context, as under gunicorn (its teardown ends it)
        for i in range(1, REPLAN_ROUNDS + 1):
            reply = call(i)
            if reply.status_code >= 400:
                refused[label] = reply.status_code
        found, connections = replanned_now()
        by_endpoint[label] = [(statement, plans) for statement, plans in found.items() if statement not in seen]
        seen.update(found)
    print(f"\n{'statements planned again on every execution':<48} {'count':>6}   ({REPLAN_ROUNDS} more requests each, "
          f"{connections} pooled connections)")
    for label, _ in requests:
        print(f"{label:<48} {len(by_endpoint[label]):>6}" +
              (f"  (HTTP {refused[label]} in some rounds)" if label in refused else ""))
        for statement, plans in by_endpoint[label]:
            print(f"{'':<8}{plans:>4} plans: {statement}")


if __name__ == "__main__":
    sys.exit(main())

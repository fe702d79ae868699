"""`make bench`: shopper- and staff-facing request times with a million orders in PostgreSQL.

Builds a throw-away database (BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres
is used to create `shop_bench`), fills it with BENCH_ORDERS orders (default 1,000,000) spread over
100,000 shoppers, then times the requests in-process (app + database, no network) and prints
p50/p95/max per request. Figures, not assertions: compare runs on the same machine.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "backend"), str(REPO / "tests")]

ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
SHOPPERS = max(1, ORDERS // 10)


def create_database() -> str:
    import psycopg
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "shop_bench" WITH (FORCE)')
        conn.execute('CREATE DATABASE "shop_bench"')
    return ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/shop_bench"


FILL_SQL = [
    # shoppers sandbox-bench-1 .. N
    """INSERT INTO shoppers (openid, nickname, phone, member_level, balance_fen, risk_flagged, risk_reasons,
                             risk_allow_listed, subscriptions, created_at)
       SELECT 'sandbox-bench-' || i, '顾客' || i, '138' || lpad(i::text, 8, '0'), i % 4, 0, false, '[]', false, '{}',
              now() - interval '400 days'
       FROM generate_series(1, :shoppers) AS i""",
    """INSERT INTO orders (order_no, shopper_id, status, refund_status, goods_fen, discount_fen, shipping_fen,
                          total_fen, paid_fen, refunded_fen, receiver_name, receiver_phone, province, city, district,
                          address_detail, remark, version, created_at, paid_at, updated_at, pay_deadline)
       SELECT 'B' || lpad(i::text, 19, '0'), 1 + (i % :shoppers),
              (ARRAY['pending_payment','paid','accepted','shipped','completed','completed','completed','cancelled'])[1 + i % 8],
              CASE WHEN i % 8 = 7 THEN 'refunded' ELSE 'none' END,
              2900 * (1 + i % 3), 0, 800, 2900 * (1 + i % 3) + 800,
              CASE WHEN i % 8 = 0 THEN 0 ELSE 2900 * (1 + i % 3) + 800 END,
              CASE WHEN i % 8 = 7 THEN 2900 * (1 + i % 3) + 800 ELSE 0 END,
              '顾客' || (1 + i % :shoppers), '13800138000', '广东省', '深圳市', '南山区', '科技园路 1 号', '', 1,
              now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval, now(),
              now() - (i || ' seconds')::interval + interval '30 minutes'
       FROM generate_series(1, :orders) AS i""",
    """INSERT INTO order_lines (order_id, sku_id, product_id, product_name, sku_name, image, unit_price_fen, quantity,
                               goods_fen, discount_fen, refunded_quantity, refunded_fen)
       SELECT o.id, s.id, s.product_id, p.name, s.name, '', 2900, 1 + o.id % 3, 2900 * (1 + o.id % 3), 0, 0, 0
       FROM orders o JOIN skus s ON s.id = 1 + o.id % (SELECT count(*) FROM skus) JOIN products p ON p.id = s.product_id""",
    """INSERT INTO order_events (order_id, kind, actor_type, actor_name, actor_role, actor_ip, reason, data,
                                visible_to_shopper, to_status, created_at)
       SELECT id, 'placed', 'shopper', '顾客', 'shopper', '', '', '{}', true, 'pending_payment', created_at FROM orders""",
    "ANALYZE",
]


def fill(app) -> float:
    from sqlalchemy import text

    from shop.extensions import db
    started = time.monotonic()
    with app.app_context():
        for statement in FILL_SQL:
            db.session.execute(text(statement), {"shoppers": SHOPPERS, "orders": ORDERS})
            db.session.commit()
    return time.monotonic() - started


def timed(label: str, call, n: int = 200) -> dict:
    samples = []
    for i in range(n):
        started = time.perf_counter()
        reply = call(i)
        samples.append((time.perf_counter() - started) * 1000)
        if reply.status_code >= 400:
            raise SystemExit(f"{label}: HTTP {reply.status_code} {reply.get_data(as_text=True)[:200]}")
    samples.sort()
    return {"request": label, "p50_ms": statistics.median(samples), "p95_ms": samples[int(len(samples) * 0.95) - 1],
            "max_ms": samples[-1]}


def main() -> int:
    from flask_migrate import upgrade

    from shop import create_app
    from shop.cli.seed import seed_demo
    from support.services import RedisServer

    redis = RedisServer()
    url = create_database()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis.start(), "TESTING": True})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        seed_demo()
    print(f"filling {ORDERS:,} orders for {SHOPPERS:,} shoppers ...", flush=True)
    print(f"  filled in {fill(app):.0f} s", flush=True)

    client = app.test_client()
    with app.app_context():
        from shop.services.auth import issue_token
        tokens = [issue_token("shopper", 1 + (i * 7919) % SHOPPERS) for i in range(200)]
    def mp(i):
        return {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}

    some_order = client.get("/api/mp/orders", headers=mp(0)).get_json()["items"][0]
    address = client.post("/api/mp/addresses", headers=mp(0), json={
        "receiver": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市", "district": "南山区",
        "detail": "科技园路 1 号"}).get_json()
    results = [
        timed("GET /api/mp/orders (all, page 1)", lambda i: client.get("/api/mp/orders", headers=mp(i))),
        timed("GET /api/mp/orders?status=completed", lambda i: client.get("/api/mp/orders?status=completed",
                                                                          headers=mp(i))),
        timed("GET /api/mp/orders?q=<product>", lambda i: client.get("/api/mp/orders?q=数据线", headers=mp(i))),
        timed("GET /api/mp/orders/<id>", lambda i: client.get(f"/api/mp/orders/{some_order['id']}", headers=mp(0))),
        timed("GET /api/mp/products", lambda i: client.get("/api/mp/products")),
        timed("POST /api/mp/orders", lambda i: client.post(
            "/api/mp/orders", headers={**mp(0), "Idempotency-Key": uuid.uuid4().hex},
            json={"items": [{"sku_id": 1 + i % 20, "quantity": 1}], "address_id": address["id"]}), n=100),
    ]
    try:
        staff = client.post("/api/admin/auth/login", json={"username": "admin", "password": "demo1234"}).get_json()
        admin = {"Authorization": f"Bearer {staff['token']}"}
        results += [
            timed("GET /api/admin/orders (page 1)", lambda i: client.get("/api/admin/orders", headers=admin), n=50),
            timed("GET /api/admin/orders?status=cancelled&phone", lambda i: client.get(
                "/api/admin/orders?status=cancelled&q=13800138000", headers=admin), n=50),
        ]
    except Exception as exc:  # the admin API may be absent in an old checkout
        print(f"(admin requests skipped: {exc})")
    import resource
    print(f"\n{'request':<48} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for row in results:
        print(f"{row['request']:<48} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f}")
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

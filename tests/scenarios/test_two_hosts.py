"""Two hosts against ONE PostgreSQL database and ONE Redis (issue 15 item 4): on each "host" an API
(gunicorn, configured from the environment only: `-c python:shop.gunicorn_conf`), a worker and a cron
process, with its own SHOP_INSTANCE, driven through both APIs at once.

- a photo uploaded through host A is served by host B (UPLOAD_STORAGE=postgres: nothing on A's disk);
- the daily reconciliation runs once although two cron processes claim it (count the runs);
- a burst of concurrent cancels of paid orders, half through each API, pays each refund exactly once
  (the sandbox's refund records).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from shop.db import Order, ReconciliationRun, Refund, UploadBlob
from shop.extensions import db
from support.orders import paid_order
from support.services import free_port, wait_until
from support.shop import Shopper, image_bytes
from support.workers import REPO, WorkerProcess, _die_with_parent, worker_env

pytestmark = pytest.mark.postgres_only
ORDERS = 6
TAPS_PER_ORDER = 6  # half through each API, all at once


class Process:
    """One long-running command of a host, in its own process group, its output in a file."""

    def __init__(self, name: str, args: list[str], env: dict):
        self.name, self.args, self.env = name, args, env
        self.log = Path(tempfile.mkdtemp(prefix=f"shop-{name}-")) / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Process":
        self.proc = subprocess.Popen(self.args, cwd=REPO, env=self.env, stdout=self.log.open("ab"),
                                     stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)
        return self

    def stop(self) -> None:
        import os
        import signal
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                continue

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


class Host:
    """API + worker + cron of one host."""

    def __init__(self, app, instance: str, public_base_url: str):
        self.instance, self.port = instance, free_port()
        self.env = worker_env(app, SHOP_INSTANCE=instance, PORT=self.port, HOST="127.0.0.1",
                              WEB_CONCURRENCY=1, GUNICORN_THREADS=4, UPLOAD_STORAGE="postgres",
                              UPLOAD_DIR=tempfile.mkdtemp(prefix=f"shop-uploads-{instance}-"),
                              SHOP_VAR_DIR=tempfile.mkdtemp(prefix=f"shop-var-{instance}-"),
                              PUBLIC_BASE_URL=public_base_url, REFUND_RETRY_INTERVALS="1,1,1")
        self.api = Process(f"api-{instance}", [sys.executable, "-m", "gunicorn", "-c", "python:shop.gunicorn_conf",
                                               "shop:create_app()"], self.env)
        self.worker = WorkerProcess(app, **{k: self.env[k] for k in ("SHOP_INSTANCE", "UPLOAD_STORAGE",
                                                                      "PUBLIC_BASE_URL", "REFUND_RETRY_INTERVALS")})
        self.cron = Process(f"cron-{instance}", [sys.executable, "-m", "flask", "--app", "shop", "cron"], self.env)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.api.start()
        self.worker.start()
        self.cron.start()

    def healthy(self) -> bool:
        try:
            return requests.get(f"{self.url}/api/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        self.cron.stop()
        self.worker.stop()
        self.api.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.output()}" for p in (self.api, self.cron)) + \
            f"\n--- worker\n{self.worker.output()}"


@pytest.fixture
def hosts(pgapp):
    a = Host(pgapp, "host-a", pgapp.config["PUBLIC_BASE_URL"])
    b = Host(pgapp, "host-b", pgapp.config["PUBLIC_BASE_URL"])
    try:
        for host in (a, b):
            host.start()
        try:
            wait_until(lambda: a.healthy() and b.healthy(), timeout=60, interval=0.3)
        except AssertionError:
            raise AssertionError(a.logs() + b.logs()) from None
        yield a, b
    finally:  # all six stop at once (each waits for its own graceful exit)
        stoppers = [threading.Thread(target=stop) for host in (a, b)
                    for stop in (host.cron.stop, host.worker.stop, host.api.stop)]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join(60)


def _upload(host: Host, token: str) -> requests.Response:
    return requests.post(f"{host.url}/api/mp/uploads", headers={"Authorization": f"Bearer {token}"},
                         files={"file": ("evidence.png", image_bytes(), "image/png")}, timeout=20)


def test_two_hosts_share_photos_run_daily_jobs_once_and_pay_each_refund_once(pgapp, sandbox, hosts):
    a, b = hosts
    alice = Shopper(pgapp.test_client(), "alice")

    # A photo uploaded through host A is served by host B, from the database (nothing on A's disk).
    uploaded = _upload(a, alice.token)
    assert uploaded.status_code == 201, uploaded.text
    path = uploaded.json()["url"].split("://", 1)[1].split("/", 1)[1]
    served = requests.get(f"{b.url}/{path}", timeout=10)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/png"
    db.session.expire_all()
    assert served.content == db.session.scalar(select(UploadBlob.data).where(UploadBlob.name == path.rsplit("/")[-1]))
    assert list(Path(a.env["UPLOAD_DIR"]).iterdir()) == []

    # A burst of cancels of paid orders, through both APIs at the same moment.
    shoppers = [Shopper(pgapp.test_client(), f"twohost{i}") for i in range(ORDERS)]
    orders = [paid_order(s, sandbox) for s in shoppers]
    barrier = threading.Barrier(ORDERS * TAPS_PER_ORDER)
    codes: list[int] = []

    def tap(host: Host, shopper: Shopper, order: dict) -> None:
        barrier.wait()
        reply = requests.post(f"{host.url}/api/mp/orders/{order['id']}/cancel", json={"reason_code": "changed_mind"},
                              headers=shopper.headers, timeout=30)
        codes.append(reply.status_code)

    threads = [threading.Thread(target=tap, args=((a, b)[n % 2], shopper, order))
               for shopper, order in zip(shoppers, orders) for n in range(TAPS_PER_ORDER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    print(f"\n{len(threads)} cancels through two APIs: {dict(Counter(codes))}")
    assert len(codes) == len(threads) and set(codes) <= {200, 409}, codes
    assert codes.count(200) >= ORDERS  # each order cancelled (a repeated tap answers 200 or 409)

    paid = {o["id"]: o["paid_fen"] for o in orders}

    def refunded() -> dict[int, list[int]]:
        db.session.expire_all()
        numbers = {r.out_refund_no: r.order_id for r in db.session.scalars(
            select(Refund).where(Refund.order_id.in_(paid)))}
        found: dict[int, list[int]] = {}
        for record in sandbox.listing("refunds"):
            if record["out_refund_no"] in numbers:
                found.setdefault(numbers[record["out_refund_no"]], []).append(record["refund_fee"])
        return found

    try:
        wait_until(lambda: len(refunded()) == ORDERS, timeout=45, interval=0.5)
    except AssertionError:
        raise AssertionError(a.logs() + b.logs()) from None
    # Exactly one refund row per order, and WeChat paid each exactly once, the amount paid.
    db.session.expire_all()
    per_order = dict(db.session.execute(select(Refund.order_id, func.count()).where(Refund.order_id.in_(paid))
                                        .group_by(Refund.order_id)).all())
    assert per_order == {order_id: 1 for order_id in paid}
    assert refunded() == {order_id: [fen] for order_id, fen in paid.items()}
    statuses = set(db.session.scalars(select(Order.status).where(Order.id.in_(paid))))
    assert statuses <= {"cancelled", "refunded", "closed"}, statuses

    # Both cron processes have ticked (each names its host); the daily reconciliation ran once.
    key = "shop:cron:shop.jobs.operations_tasks.reconcile_refunds_daily"
    owner = wait_until(lambda: pgapp_redis(pgapp).get(key), timeout=20)
    assert owner.decode() in ("shop-cron@host-a", "shop-cron@host-b")
    wait_until(lambda: db.session.scalar(select(func.count()).select_from(ReconciliationRun)) >= 1,
               timeout=30, interval=0.5)
    for _ in range(3):  # both crons tick again (each ticks every second), three times over
        seen = _cron_heartbeats(pgapp)
        wait_until(lambda: all(_cron_heartbeats(pgapp)[n] not in (None, seen[n]) for n in seen), timeout=15)
    assert a.cron.proc.poll() is None and b.cron.proc.poll() is None
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ReconciliationRun)) == 1


def pgapp_redis(app):
    from shop.services.context import deps
    with app.app_context():
        return deps().jobs.connection


def _cron_heartbeats(app) -> dict[str, bytes | None]:
    """The last heartbeat each host's cron process gave its RQ scheduler (renewed at every tick)."""
    from rq.scheduler import SCHEDULER_KEY_TEMPLATE
    connection = pgapp_redis(app)
    return {name: connection.hget(SCHEDULER_KEY_TEMPLATE % name, "last_heartbeat")
            for name in ("shop-cron@host-a", "shop-cron@host-b")}

"""`make soak`: shoppers and staff for a set time while things break, then the books are checked.

    .venv/bin/python scripts/soak.py [--minutes 10] [--shoppers 4] [--seed 1]

Starts the whole system as `make run` does (launcher: API, workers, cron, sandbox, embedded Redis) on
free ports in a temporary folder, on a private PostgreSQL cluster when the PostgreSQL server binaries
are installed (else on SQLite, and PostgreSQL restarts are left out and said so). While shopper
threads place, pay, cancel and return orders and staff ship, approve and retry refunds, a fault thread
keeps doing one of: kill -9 a worker, kill -9 Redis (the launcher starts it again), restart
PostgreSQL, make WeChat refuse, time out or drop its notifications. Then the faults stop, the system
is given time to settle, and the books are checked:

- money: no refund paid twice (WeChat's refunds of each order = the shop's succeeded refunds, to the
  fen), no refund above what was paid, every payment WeChat took is one the shop knows, every
  cancelled paid order has all its money back (losses);
- stock: for every SKU, stock now = initial stock - units in orders that were not cancelled;
- processes: every one the launcher started again is one this soak killed (none gave up by itself).

Prints what it did and what it found; exits 1 when any check fails.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psutil
import requests
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from demo_scenarios import ADDRESSES, Demo, skus  # noqa: E402

PASSWORD = "demo1234"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    """A throw-away PostgreSQL cluster this script may restart at will."""

    def __init__(self, folder: Path):
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        self.bin = binaries[-1].parent if binaries else None
        self.folder, self.port = folder, free_port()
        self.data = folder / "pgdata"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def available(self) -> bool:
        return self.bin is not None and (not self.as_user or shutil.which("runuser") is not None)

    def _run(self, *args: str) -> None:
        subprocess.run(self.as_user + [str(self.bin / args[0]), *args[1:]], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def start(self) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._pg_ctl("start")
        subprocess.run(self.as_user + [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                                       "-U", "postgres", "shop"], check=True)
        return f"postgresql://postgres@127.0.0.1:{self.port}/shop"

    def _pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "pg.log"), "-w",
                  *(["-m", "fast"] if action != "start" else []), action)

    def restart(self) -> None:
        self._pg_ctl("restart")

    def stop(self) -> None:
        try:
            self._pg_ctl("stop")
        except subprocess.CalledProcessError:
            pass


class System:
    def __init__(self, folder: Path, database_url: str | None):
        self.folder, self.port, self.sandbox_port = folder, free_port(), free_port()
        env = dict(os.environ, PYTHONPATH=str(REPO / "backend"), PORT=str(self.port),
                   SANDBOX_PORT=str(self.sandbox_port), SHOP_VAR_DIR=str(folder / "var"), DEMO_HISTORY_ORDERS="0",
                   REFUND_RETRY_INTERVALS="2,5,10", REFUND_QUERY_AFTER_SECONDS="3",
                   POLICY_UNPAID_CLOSE_SECONDS="60")  # unpaid orders close within the soak
        env.pop("REDIS_URL", None)
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        self.log = open(folder / "launcher.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "shop.launcher"], cwd=REPO, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.api = f"http://127.0.0.1:{self.port}"
        self.sandbox = f"http://127.0.0.1:{self.sandbox_port}"

    def wait_up(self, seconds: float = 240) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the launcher exited; see {self.folder / 'launcher.log'}")
            if b"is up" in (self.folder / "launcher.log").read_bytes():
                return
            time.sleep(0.5)
        raise SystemExit(f"the system did not come up in {seconds:.0f} s; see {self.folder / 'launcher.log'}")

    def children(self, word: str) -> list[psutil.Process]:
        found = []
        for child in psutil.Process(self.proc.pid).children():  # the launcher's own children, not RQ's work horses
            try:
                if word in " ".join(child.cmdline()):
                    found.append(child)
            except psutil.Error:
                pass
        return found

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


class Soak:
    def __init__(self, system: System, postgres: PrivatePostgres | None, minutes: float, shoppers: int, seed: int):
        self.system, self.postgres = system, postgres
        self.until = time.monotonic() + minutes * 60
        self.shopper_count, self.random = shoppers, random.Random(seed)
        self.ops, self.errors, self.faults = Counter(), Counter(), Counter()
        self.first_said: dict[str, str] = {}  # a failure without a machine code -> what its first one said
        self.lock = threading.Lock()

    def count(self, counter: Counter, what: str) -> None:
        with self.lock:
            counter[what] += 1

    def step(self, what: str, action, *args, **kwargs):
        """One operation; a refusal or an outage is counted, not fatal: the soak goes on."""
        try:
            result = action(*args, **kwargs)
        except (RuntimeError, requests.RequestException) as exc:
            code = re.search(r"HTTP (\d+).*?\"code\": ?\"?(\w+)", str(exc))
            label = f"{what} ({code.group(1)} {code.group(2)})" if code else f"{what} ({type(exc).__name__})"
            self.count(self.errors, label)
            if not code:
                self.first_said.setdefault(label, str(exc)[:160])
            if code and code.group(1) in ("429", "503"):
                time.sleep(1)  # as the mini-program does: wait (Retry-After) before trying again
            return None
        self.count(self.ops, what)
        return True if result is None else result

    # -- shoppers and staff ----------------------------------------------------------------

    def shopper_loop(self, number: int) -> None:
        demo = Demo(self.system.api, self.system.sandbox)
        rnd = random.Random(self.random.random())
        sku_ids, shopper, placed = [], None, 0
        while time.monotonic() < self.until:
            if not sku_ids:
                sku_ids = self.step("catalogue", skus, demo) or []
                continue
            if shopper is None or placed >= 8:
                # A new shopper every few orders, as in a real shop: nobody runs into the unpaid-order cap
                # or the risk rules (K1) that a single very busy buyer would.
                shopper = self.step("login", demo.shopper, f"soak-{number}-{uuid.uuid4().hex[:6]}",
                                    ADDRESSES[number % len(ADDRESSES)])
                placed = 0
                continue
            placed += 1
            order = self.step("place", demo.order, shopper, [(rnd.choice(sku_ids), rnd.choice((1, 1, 2)))])
            if order is None:
                continue
            roll = rnd.random()
            if roll < 0.1:
                continue  # left unpaid: the close job gives the stock back
            paid = self.step("pay", self.pay, demo, shopper, order)
            if paid is None:
                continue
            if roll < 0.4:
                self.step("cancel", demo.call, "POST", f"/mp/orders/{order['id']}/cancel", shopper[0],
                          json={"reason_code": "changed_mind"})
            elif roll < 0.8:
                if self.step("ship", demo.accept_and_ship, order["id"]) is None:
                    continue
                if self.step("receive", demo.confirm_receipt, shopper, order["id"]) is None:
                    continue
                if roll < 0.65:
                    self.after_sale(demo, shopper, order["id"])

    def pay(self, demo: Demo, shopper, order) -> dict:
        out_trade_no = demo.call("POST", f"/mp/orders/{order['id']}/pay", shopper[0])["out_trade_no"]
        demo.control("pay", {"out_trade_no": out_trade_no})
        return demo.wait(shopper, order["id"], lambda o: o["status"] == "paid", seconds=90)

    def after_sale(self, demo: Demo, shopper, order_id: int) -> None:
        # Every call through step: a 503 while PostgreSQL restarts once ended this shopper's thread for the rest
        # of the soak.
        detail = self.step("order page", demo.call, "GET", f"/mp/orders/{order_id}", shopper[0])
        if detail is None:
            return
        line = detail["items"][0]
        case = self.step("after-sale", demo.call, "POST", f"/mp/orders/{order_id}/after-sales", shopper[0], json={
            "type": "refund_only", "reason_code": "damaged", "reason_text": "压坏了",
            "lines": [{"line_id": line["id"], "quantity": 1}], "photos": []})
        if case is None:
            return
        detail = self.step("order page", demo.call, "GET", f"/mp/orders/{order_id}", shopper[0])
        request = detail and detail.get("open_request")
        if request:
            self.step("approve", demo.call, "POST", f"/admin/requests/{request['id']}/approve",
                      demo.staff_token("supervisor"), json={"note": "同意", "password": PASSWORD})

    def finance_loop(self) -> None:
        """Finance retries what ran out of automatic retries, as a person would from the 退款 page."""
        demo = Demo(self.system.api, self.system.sandbox)
        while time.monotonic() < self.until + 240 and not self.settled.is_set():
            data = self.step("finance list", demo.call, "GET", "/admin/refunds?status=abnormal&per_page=50",
                             demo.staff_token("finance"))
            for refund in (data or {}).get("items", []):
                self.step("finance retry", demo.call, "POST", f"/admin/refunds/{refund['id']}/retry",
                          demo.staff_token("finance"), json={"password": PASSWORD})
            time.sleep(5)

    # -- faults -----------------------------------------------------------------------------

    def fault_loop(self) -> None:
        kinds = ["kill worker", "kill redis", "wechat refund errors", "wechat refund timeouts",
                 "drop notifications"]
        if self.postgres is not None:
            kinds.append("restart postgresql")
        self.random.shuffle(kinds)
        turn = 0
        while time.monotonic() < self.until - 20:
            time.sleep(self.random.uniform(20, 40))
            kind = kinds[turn % len(kinds)]  # every kind in turn, in a shuffled order
            turn += 1
            try:
                self.inject(kind)
                self.count(self.faults, kind)
            except Exception as exc:  # noqa: BLE001 - a fault that could not be injected is reported
                self.count(self.faults, f"{kind} (failed: {str(exc)[:60]})")

    def inject(self, kind: str) -> None:
        control = f"{self.system.sandbox}/__control__/faults"
        if kind == "kill worker":
            self.random.choice(self.system.children(" worker")).kill()
        elif kind == "kill redis":
            self.system.children("redis-server")[0].kill()
        elif kind == "restart postgresql":
            self.postgres.restart()
        elif kind == "wechat refund errors":
            requests.post(control, json={"endpoint": "v3_refund", "error": "SYSTEM_ERROR", "times": 4}, timeout=5)
        elif kind == "wechat refund timeouts":
            requests.post(control, json={"endpoint": "v3_refund", "error": "timeout", "times": 2}, timeout=5)
        elif kind == "drop notifications":
            for endpoint in ("pay_notify", "refund_notify"):
                requests.post(control, json={"endpoint": endpoint, "error": "drop", "times": 3}, timeout=5)

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> None:
        self.settled = threading.Event()
        threads = [threading.Thread(target=self.shopper_loop, args=(n,), daemon=True)
                   for n in range(self.shopper_count)]
        threads += [threading.Thread(target=self.fault_loop, daemon=True),
                    threading.Thread(target=self.finance_loop, daemon=True)]
        for thread in threads:
            thread.start()
        for thread in threads[:-1]:
            thread.join()
        requests.delete(f"{self.system.sandbox}/__control__/faults", timeout=5)


def wait_settled(engine, settle_seconds: float, soak: Soak) -> int:
    deadline = time.monotonic() + settle_seconds
    while True:
        try:
            with engine.connect() as conn:
                open_refunds = conn.execute(text(
                    "SELECT count(*) FROM refunds WHERE status IN ('pending', 'processing', 'failed', 'abnormal')"
                )).scalar_one()
                unpaid = conn.execute(text("SELECT count(*) FROM orders WHERE status = 'pending_payment'")).scalar_one()
        except Exception:  # noqa: BLE001 - the database may be restarting
            open_refunds = unpaid = -1
        if (open_refunds == 0 and unpaid == 0) or time.monotonic() > deadline:
            soak.settled.set()
            return open_refunds
        time.sleep(3)


def check_books(engine, sandbox: str) -> dict:
    found = {}
    wechat_refunds = requests.get(f"{sandbox}/__control__/refunds", timeout=30).json()["refunds"]
    wechat_payments = requests.get(f"{sandbox}/__control__/payments", timeout=30).json()["payments"]
    with engine.connect() as conn:
        orders = {row.id: row for row in conn.execute(text(
            "SELECT o.id, o.status, o.paid_fen, o.order_no FROM orders o"))}
        payments = {row.out_trade_no: row for row in conn.execute(text(
            "SELECT out_trade_no, order_id, status, amount_fen FROM payments"))}
        refunds = list(conn.execute(text("SELECT order_id, out_refund_no, amount_fen, status, method FROM refunds")))
        stock = {row.id: row.stock for row in conn.execute(text("SELECT id, stock FROM skus"))}
        initial = dict(conn.execute(text(
            "SELECT sku_id, sum(change) FROM stock_ledger WHERE kind = 'initial' GROUP BY sku_id")).all())
        held = dict(conn.execute(text(
            "SELECT l.sku_id, sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id "
            "WHERE o.status <> 'cancelled' GROUP BY l.sku_id")).all())
    succeeded = Counter()
    for refund in refunds:
        if refund.status == "succeeded" and refund.method == "wechat":
            succeeded[refund.order_id] += refund.amount_fen
    wechat_refunded = Counter()
    for refund in wechat_refunds:
        if refund["status"] == "SUCCESS":
            order_id = payments[refund["out_trade_no"]].order_id if refund["out_trade_no"] in payments else None
            wechat_refunded[order_id] += refund["refund_fee"]
    found["orders"] = len(orders)
    found["paid orders"] = sum(1 for o in orders.values() if o.paid_fen > 0)
    found["refunds"] = len(refunds)
    found["refunds succeeded"] = sum(1 for r in refunds if r.status == "succeeded")
    found["duplicate payouts"] = sum(1 for order_id, fen in wechat_refunded.items() if fen > succeeded[order_id])
    found["refunds unknown to WeChat"] = sum(1 for order_id, fen in succeeded.items() if wechat_refunded[order_id] < fen)
    found["refunded above paid"] = sum(1 for order_id, fen in succeeded.items() if fen > orders[order_id].paid_fen)
    found["payments WeChat took that the shop missed"] = sum(
        1 for p in wechat_payments if p["trade_state"] in ("SUCCESS", "REFUND")
        and (p["out_trade_no"] not in payments or payments[p["out_trade_no"]].status != "paid"))
    found["losses (cancelled, paid, not all refunded)"] = sum(
        1 for o in orders.values() if o.status == "cancelled" and o.paid_fen > 0
        and sum(r.amount_fen for r in refunds if r.order_id == o.id and r.status == "succeeded") < o.paid_fen)
    found["stock differences"] = sum(1 for sku_id, now in stock.items()
                                     if now != initial.get(sku_id, 0) - held.get(sku_id, 0))
    return found


def exits_in(launcher_log: str) -> Counter:
    """(child, exit code) -> how often, from the launcher's "<child> exited with <code>;" lines. -9 is a kill -9 (this
    soak's faults); anything else is a child that gave up by itself (a worker that quit when Redis went away)."""
    return Counter((name, int(code)) for name, code in re.findall(r"\] (\S+) exited with (-?\d+);", launcher_log))


MUST_BE_ZERO = ("duplicate payouts", "refunds unknown to WeChat", "refunded above paid",
                "payments WeChat took that the shop missed", "losses (cancelled, paid, not all refunded)",
                "stock differences")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "10")))
    parser.add_argument("--shoppers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settle-seconds", type=float, default=240)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="shop-soak-"))
    os.chmod(folder, 0o755)
    postgres = PrivatePostgres(folder / "pg")
    database_url = None
    if postgres.available:
        database_url = postgres.start()
        print(f"soak: private PostgreSQL on port {postgres.port}", flush=True)
    else:
        postgres = None
        print("soak: no PostgreSQL server binaries: SQLite, and no PostgreSQL restarts", flush=True)
    system = System(folder, database_url)
    started = time.monotonic()
    try:
        system.wait_up()
        print(f"soak: system up in {time.monotonic() - started:.0f} s; driving {args.shoppers} shoppers and staff "
              f"for {args.minutes:g} min with faults", flush=True)
        soak = Soak(system, postgres, args.minutes, args.shoppers, args.seed)
        runner = threading.Thread(target=soak.run)
        runner.start()
        runner.join()
        engine = create_engine((database_url or f"sqlite:///{folder / 'var' / 'shop.sqlite'}")
                               .replace("postgresql://", "postgresql+psycopg://", 1))
        still_open = wait_settled(engine, args.settle_seconds, soak)
        found = check_books(engine, system.sandbox)
        exits = exits_in((folder / "launcher.log").read_text(errors="replace"))
    finally:
        system.stop()
        if postgres is not None:
            postgres.stop()
    print("\nsoak: what it did")
    print(f"  operations: {sum(soak.ops.values())} ({', '.join(f'{k} {v}' for k, v in soak.ops.most_common())})")
    print(f"  refused or failed operations: {sum(soak.errors.values())}"
          + (f" ({', '.join(f'{k} {v}' for k, v in soak.errors.most_common(8))})" if soak.errors else ""))
    for label, said in soak.first_said.items():
        print(f"    {label}, the first: {said}")
    print(f"  faults: {sum(soak.faults.values())} ({', '.join(f'{k} {v}' for k, v in soak.faults.most_common())})")
    killed = sum(n for (_, code), n in exits.items() if code == -signal.SIGKILL)
    on_their_own = {f"{name} (exit {code})": n for (name, code), n in exits.items() if code != -signal.SIGKILL}
    print(f"  children the launcher started again: {sum(exits.values())} (killed by this soak: {killed}; exited on "
          f"their own: {sum(on_their_own.values())}{''.join(f', {k} {v}' for k, v in on_their_own.items())})")
    print("soak: what it found")
    for key, value in found.items():
        print(f"  {key}: {value}")
    print(f"  refunds still open after {args.settle_seconds:.0f} s of settling: {still_open}")
    bad = [key for key in MUST_BE_ZERO if found[key]] + (["refunds still open"] if still_open else []) \
        + (["children that exited on their own"] if on_their_own else [])
    print("soak: " + ("FAILED: " + ", ".join(bad) + f" (logs kept: {folder / 'launcher.log'}, {folder / 'var' / 'log'})"
                      if bad else "books balance: duplicates 0, losses 0"))
    if not bad:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

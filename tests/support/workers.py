"""Real RQ worker processes for tests, configured like the app under test."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


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
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


class WorkerProcess:
    """`flask --app shop worker` in a subprocess (the same command `make run` uses)."""

    def __init__(self, app, **extra_env):
        self.env = worker_env(app, **extra_env)
        self.proc: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        self.proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "shop", "worker"], env=self.env,
                                     cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-job, as in a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def run_burst(app) -> None:
    """Run every queued (and due scheduled) job in this process, then return."""
    from rq import SimpleWorker

    from shop.adapters.queue import QUEUE_NAME
    from shop.services.context import deps
    with app.app_context():
        SimpleWorker([QUEUE_NAME], connection=deps().jobs.connection).work(burst=True, with_scheduler=True,
                                                                             logging_level="WARNING")

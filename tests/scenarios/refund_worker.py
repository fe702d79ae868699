"""A real `flask worker` process pointed at the test app's database, Redis, sandbox and callback URL.

Used by the refund scenarios and by tests/bench_refunds.py. The worker gets short retry pauses
and a short claim lease through the same environment variables production uses.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _die_with_parent() -> None:
    """Linux: the worker gets SIGKILL when the test process dies, so no orphan keeps eating jobs."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class WorkerProcess:
    def __init__(self, app, *, retry_intervals=(1, 1, 1), lease_seconds=3, query_after_seconds=1):
        config = app.config
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO / "backend"),
            "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": config["REDIS_URL"],
            "WECHAT_API_BASE": config["WECHAT_API_BASE"],
            "WECHAT_PAY_API_BASE": config["WECHAT_PAY_API_BASE"],
            "PUBLIC_BASE_URL": config["PUBLIC_BASE_URL"],
            "WECHAT_TIMEOUT": str(config.get("WECHAT_TIMEOUT", 1.0)),
            "REFUND_RETRY_INTERVALS": ",".join(str(i) for i in retry_intervals),
            "REFUND_CLAIM_LEASE_SECONDS": str(lease_seconds),
            "REFUND_QUERY_AFTER_SECONDS": str(query_after_seconds),
            "DEMO_DATA": "0",
            "SHOP_VAR_DIR": tempfile.mkdtemp(prefix="shop-worker-"),
        }
        self.log = Path(self.env["SHOP_VAR_DIR"]) / "worker.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        flask = Path(sys.executable).with_name("flask")
        self.proc = subprocess.Popen([str(flask), "--app", "shop", "worker"], cwd=REPO, env=self.env,
                                     stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
                                     preexec_fn=_die_with_parent)
        return self

    def kill(self) -> None:
        """SIGKILL: no cleanup, jobs die wherever they are."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

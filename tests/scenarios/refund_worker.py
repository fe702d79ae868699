"""The refund scenarios' worker: tests/support/workers.py's process, with the refund engine's short
pauses (retry intervals, claim lease, query delay), a log file, and death with the test process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from support.workers import REPO
from support.workers import WorkerProcess as BaseWorkerProcess


def _die_with_parent() -> None:
    """Linux: the worker gets SIGKILL when the test process dies, so no orphan keeps eating jobs."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class WorkerProcess(BaseWorkerProcess):
    def __init__(self, app, *, retry_intervals=(1, 1, 1), lease_seconds=3, query_after_seconds=1):
        var_dir = tempfile.mkdtemp(prefix="shop-worker-")
        super().__init__(app, REFUND_RETRY_INTERVALS=",".join(str(i) for i in retry_intervals),
                         REFUND_CLAIM_LEASE_SECONDS=lease_seconds, REFUND_QUERY_AFTER_SECONDS=query_after_seconds,
                         DEMO_DATA=0, SHOP_VAR_DIR=var_dir)
        self.log = Path(var_dir) / "worker.log"

    def start(self) -> "WorkerProcess":
        self.proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "shop", "worker"], cwd=REPO,
                                     env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
                                     preexec_fn=_die_with_parent, start_new_session=True)
        return self

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

"""`make run` supervises its children (issue 15): SIGTERM stops every process, every time (a child killed
with SIGKILL is started again: tests/scenarios/test_recovery.py).
A real launcher on free ports."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from support.services import free_port, wait_until
from support.workers import REPO, _die_with_parent


def _health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as reply:
            return json.loads(reply.read())
    except Exception:
        return None


def _group_alive(pgid: int) -> bool:
    """Any process left in the child's process group (gunicorn's workers, RQ's scheduler)?"""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent is dead too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


class RunningLauncher:
    def __init__(self, tmp_path: Path, **settings: str):
        self.var = tmp_path / "var"
        self.port, self.sandbox_port = free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        env.update(PYTHONPATH=str(REPO / "backend"), PORT=str(self.port), SANDBOX_PORT=str(self.sandbox_port),
                   SHOP_VAR_DIR=str(self.var), DEMO_DATA="0", WEB_CONCURRENCY="1", WEB_THREADS="4")
        env.update(settings)
        self.out = tmp_path / "launcher.out"
        self.proc = subprocess.Popen([sys.executable, "-m", "shop.launcher"], cwd=REPO, env=env,
                                     stdout=self.out.open("wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=_die_with_parent)

    def pid(self, name: str) -> int:
        return int((self.var / "run" / f"{name}.pid").read_text())

    def children(self) -> dict[str, int]:
        return {p.stem: int(p.read_text()) for p in (self.var / "run").glob("*.pid")}

    def healthy(self) -> bool:
        health = _health(self.port)
        return bool(health and health["status"] == "ok")

    def output(self) -> str:
        return self.out.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture
def launcher(tmp_path):
    running = RunningLauncher(tmp_path)
    try:
        wait_until(lambda: "is up" in running.output() or running.proc.poll() is not None, timeout=90, interval=0.5)
        assert running.healthy(), running.output()
        yield running
    finally:
        running.stop()


# kill -9 of each child (both gunicorn masters, a gunicorn worker, each RQ worker, cron, the sandbox, Redis)
# with the API answering and every refund paid once: tests/scenarios/test_recovery.py.


def test_sigterm_stops_the_launcher_and_every_child(launcher):
    children = {name: pid for name, pid in launcher.children().items() if name != "migrate"}
    assert {"redis", "sandbox", "api", "worker-1", "worker-2", "cron"} <= set(children)
    os.kill(launcher.proc.pid, signal.SIGTERM)
    launcher.proc.wait(30)
    assert [name for name, pid in children.items() if _alive(pid) or _group_alive(pid)] == []
    assert "stopped." in launcher.output()


def test_a_part_that_keeps_exiting_while_the_system_starts_ends_the_start_at_once_and_is_named(tmp_path):
    # gunicorn refuses the thread count and exits at each start. The launcher no longer gives up on a clock
    # (a busy machine may need minutes to start): it notices the crash loop instead.
    running = RunningLauncher(tmp_path, WEB_THREADS="-1", START_TIMEOUT="600")
    try:
        code = running.proc.wait(120)  # the old launcher waited out its fixed 60 s; this one stops after 3 exits
        assert code == 1, running.output()
        assert "the system did not start: api exited 3 times in a row while starting" in running.output()
        assert "stopped." in running.output()
    finally:
        running.stop()

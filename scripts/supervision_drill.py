"""Kill each child of a running `make run` with SIGKILL and time how long until /api/health answers 200
again from the restarted process. Usage (with the system up):

    .venv/bin/python scripts/supervision_drill.py [--port 8000] [--var var]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import time
import urllib.request
from pathlib import Path


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as reply:
            return json.loads(reply.read())["status"] == "ok"
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--var", default=os.environ.get("SHOP_VAR_DIR", "var"))
    args = parser.parse_args()
    run = Path(args.var) / "run"
    for name in ("api", "api-2", "worker-1", "worker-2", "cron", "sandbox", "redis"):
        pid_file = run / f"{name}.pid"
        if not pid_file.exists():
            continue
        old = int(pid_file.read_text())
        os.kill(old, signal.SIGKILL)
        killed = time.monotonic()
        while int(pid_file.read_text()) == old:
            time.sleep(0.05)
        restarted = time.monotonic() - killed
        while not healthy(args.port):
            time.sleep(0.1)
        print(f"{name:<9} killed: started again after {restarted:4.1f} s, healthy after {time.monotonic() - killed:4.1f} s",
              flush=True)
        time.sleep(3)


if __name__ == "__main__":
    main()

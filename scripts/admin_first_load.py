"""The admin's first load, before and after issue 12, in size and time.

    PYTHONPATH=backend .venv/bin/python scripts/admin_first_load.py [--runs 5] [--before-commit 1f9f8a1]

1. Builds the admin twice, into /tmp/admin-first-load/{before,after}: "before" from a git worktree at
   BEFORE_COMMIT (the last commit before the issue-12 asset changes: Element Plus and every icon imported whole,
   no compression; its node_modules are this checkout's when the lock file is the same, else `npm ci`), "after"
   from this checkout.
2. Serves each the way `make run` serves the admin: gunicorn (gthread, keep-alive 10 s) running a Flask app with
   that commit's own backend/shop/api/admin_web.py (the old one sent every file uncompressed with
   `Cache-Control: no-cache`; the new one sends the build's gzip copies with a year's immutable caching).
3. Loads /admin/login in Chromium (admin/e2e/first-load.js) over a throttled network (CDP
   Network.emulateNetworkConditions: 4G 20 ms / 9 Mbit/s, fast 3G 562.5 ms / 1.44 Mbit/s), cold cache, before and
   after interleaved, RUNS times each, and prints the medians: bytes transferred, DOMContentLoaded, load, the first
   frame with the login form visible; then the warm (second) visit, which shows the cache lifetimes at work.

`scripts/admin_first_load.py --bytes DIST` only counts what Flask sends for one build (no browser).
"""
from __future__ import annotations

import argparse
import filecmp
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
BEFORE_COMMIT = "1f9f8a1"  # the parent of bb2d8c7, the first issue-12 asset change
WORK = Path(tempfile.gettempdir()) / "admin-first-load"
ADMIN_WEB = "backend/shop/api/admin_web.py"


def app(dist: str, admin_web: str) -> Flask:
    """gunicorn's app: only the admin's static serving, by the given admin_web.py (the module make run uses)."""
    spec = importlib.util.spec_from_file_location("admin_web_under_test", admin_web)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    flask_app = Flask("admin-first-load")
    module.register_admin_web(flask_app, Path(dist))

    @flask_app.get("/api/admin/words")
    def words():
        """The admin's words (the page mounts once it has them), answered by the API's own code."""
        from shop.api.admin.words import StaffWordsSchema
        from shop.api.word_responses import words_response
        from shop.services.meta import staff_words
        return words_response(StaffWordsSchema(), staff_words())
    return flask_app


def bytes_sent(dist: str) -> int:
    """GET /admin/ and every /admin/assets/... file index.html references, Accept-Encoding: gzip."""
    client = app(dist, str(ROOT / ADMIN_WEB)).test_client()
    headers = {"Accept-Encoding": "gzip, deflate, br"}
    index = client.get("/admin/", headers=headers)
    total = len(index.data)
    for path in re.findall(r'(?:src|href)="(/admin/assets/[^"]+)"', index.get_data(as_text=True)):
        reply = client.get(path, headers=headers)
        total += len(reply.data)
        print(f"{path}: {len(reply.data) / 1024:.1f} kB ({reply.headers.get('Content-Encoding', 'identity')}; "
              f"{reply.headers['Cache-Control']})")
    return total


def run(command: list[str], cwd: Path) -> None:
    print("$", " ".join(command), f"(in {cwd})", file=sys.stderr)
    subprocess.run(command, cwd=cwd, check=True, stdout=sys.stderr)


def build(commit: str) -> dict[str, Path]:
    """Both builds and both admin_web.py files: {"before": dist, "before_web": file, "after": ..., ...}."""
    WORK.mkdir(parents=True, exist_ok=True)
    tree = WORK / "tree"
    if not tree.exists():
        run(["git", "worktree", "add", "--detach", str(tree), commit], ROOT)
    else:
        run(["git", "checkout", "--detach", commit], tree)
    admin = tree / "admin"
    modules = admin / "node_modules"
    if not modules.exists():
        if filecmp.cmp(admin / "package-lock.json", ROOT / "admin" / "package-lock.json", shallow=False):
            modules.symlink_to(ROOT / "admin" / "node_modules")
        else:
            run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], admin)
    built = {}
    for name, source in (("before", admin), ("after", ROOT / "admin")):
        dist = WORK / name
        run(["npx", "vite", "build", "--outDir", str(dist), "--emptyOutDir", "--logLevel", "warn"], source)
        built[name] = dist
        built[f"{name}_web"] = (tree if name == "before" else ROOT) / ADMIN_WEB
    return built


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(dist: Path, admin_web: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'scripts'}{os.pathsep}{ROOT / 'backend'}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "8", "--keep-alive", "10",
         "--bind", f"127.0.0.1:{port}", f"admin_first_load:app({str(dist)!r}, {str(admin_web)!r})"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/admin/login", timeout=2).read()
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn did not answer on {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before-commit", default=BEFORE_COMMIT)
    parser.add_argument("--bytes", metavar="DIST", help="only count what Flask sends for this build")
    parser.add_argument("--no-build", action="store_true", help="measure the builds a previous run left in " + str(WORK))
    args = parser.parse_args()
    if args.bytes:
        print(f"first load: {bytes_sent(args.bytes) / 1024:.1f} kB transferred")
        return
    built = {"before": WORK / "before", "before_web": WORK / "tree" / ADMIN_WEB,
             "after": WORK / "after", "after_web": ROOT / ADMIN_WEB} if args.no_build else build(args.before_commit)
    servers = {}
    try:
        for name in ("before", "after"):
            servers[name] = serve(built[name], built[f"{name}_web"])
        config = {"runs": args.runs, **{name: url for name, (_, url) in servers.items()}}
        output = subprocess.run(["node", "e2e/first-load.js", json.dumps(config)], cwd=ROOT / "admin",
                                check=True, stdout=subprocess.PIPE, text=True)
        *table, raw = output.stdout.strip().splitlines()
        print("\n".join(table))
        (WORK / "runs.json").write_text(raw)
        print(f"(every run: {WORK / 'runs.json'})")
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()

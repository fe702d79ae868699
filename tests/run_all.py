"""`make test`: the front-end suites (when present), then the whole Python suite.

pytest runs last so its closing line is the summary CI reads.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_node_suite(folder: Path) -> int:
    if not (folder / "package.json").exists():
        return 0
    npm = shutil.which("npm")
    if npm is None:
        print(f"!! npm not found: {folder.name} tests cannot run", flush=True)
        return 1
    lock, installed = folder / "package-lock.json", folder / "node_modules" / ".package-lock.json"
    if not installed.exists() or (lock.exists() and lock.stat().st_mtime > installed.stat().st_mtime):
        subprocess.run([npm, "ci" if lock.exists() else "install", "--no-audit", "--no-fund"], cwd=folder,
                       check=True)
    print(f"== {folder.name}: npm test", flush=True)
    # E2E_BUILD: the admin's end-to-end tests build the app from the current sources first.
    return subprocess.run([npm, "test"], cwd=folder, env=dict(os.environ, E2E_BUILD="1")).returncode


def main() -> int:
    failures = 0
    for name in ("admin", "miniprogram"):
        failures += run_node_suite(REPO / name) != 0
    env = dict(os.environ, PYTHONPATH=str(REPO / "backend"))
    code = subprocess.run([sys.executable, "-m", "pytest", *sys.argv[1:]], cwd=REPO, env=env).returncode
    if failures:
        print(f"!! {failures} front-end suite(s) failed", flush=True)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())

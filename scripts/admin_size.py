"""What a browser transfers to open the admin's /admin/login and then /admin/dashboard for the first time, as
Flask sends it (gzip): index.html, the entry script and stylesheet with every chunk they import, then the
dashboard's own chunks (from Vite's manifest, dist/.vite/manifest.json). Issue 12 item 8: under 500 kB.

    cd admin && npx vite build && cd ..
    PYTHONPATH=backend .venv/bin/python scripts/admin_size.py [admin/dist]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from flask import Flask

from shop.api.admin_web import register_admin_web

DASHBOARD = "src/views/DashboardView.vue"


def chunk_files(manifest: dict, key: str, seen: set[str]) -> list[str]:
    """The chunk's script, its stylesheets and every chunk it imports statically (each once)."""
    if key in seen:
        return []
    seen.add(key)
    chunk = manifest[key]
    files = [chunk["file"], *chunk.get("css", [])]
    for imported in chunk.get("imports", []):
        files += chunk_files(manifest, imported, seen)
    return files


def transferred(client, paths: list[str]) -> int:
    total = 0
    for path in paths:
        reply = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert reply.status_code == 200, path
        total += len(reply.data)
    return total


def measure(dist: str) -> dict[str, int]:
    manifest = json.loads((Path(dist) / ".vite" / "manifest.json").read_text())
    app = Flask("admin-size")
    register_admin_web(app, dist)
    client = app.test_client()
    seen: set[str] = set()
    login = ["/admin/"] + [f"/admin/{f}" for f in chunk_files(manifest, "index.html", seen)]
    dashboard = [f"/admin/{f}" for f in chunk_files(manifest, DASHBOARD, seen)]
    return {"login": transferred(client, login), "dashboard": transferred(client, dashboard)}


if __name__ == "__main__":
    sizes = measure(sys.argv[1] if len(sys.argv) > 1 else "admin/dist")
    print(f"/admin/login first load: {sizes['login'] / 1024:.1f} kB transferred")
    print(f"/admin/dashboard after it: +{sizes['dashboard'] / 1024:.1f} kB "
          f"(together {(sizes['login'] + sizes['dashboard']) / 1024:.1f} kB)")

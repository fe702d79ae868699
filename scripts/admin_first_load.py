"""The admin's first load as Flask sends it: GET /admin/ and every /admin/assets/... file index.html
references, with Accept-Encoding: gzip, through register_admin_web (issue 12 item 7).

    cd admin && npx vite build --outDir /tmp/admin-dist --emptyOutDir && cd ..
    PYTHONPATH=backend .venv/bin/python scripts/admin_first_load.py /tmp/admin-dist
"""
from __future__ import annotations

import re
import sys

from flask import Flask

from shop.api.admin_web import register_admin_web


def first_load(dist: str) -> int:
    app = Flask("admin-first-load")
    register_admin_web(app, dist)
    client = app.test_client()
    headers = {"Accept-Encoding": "gzip, deflate, br"}
    index = client.get("/admin/", headers=headers)
    total = len(index.data)
    for path in re.findall(r'(?:src|href)="(/admin/assets/[^"]+)"', index.get_data(as_text=True)):
        reply = client.get(path, headers=headers)
        total += len(reply.data)
        print(f"{path}: {len(reply.data) / 1024:.1f} kB ({reply.headers.get('Content-Encoding', 'identity')}; "
              f"{reply.headers['Cache-Control']})")
    return total


if __name__ == "__main__":
    print(f"first load: {first_load(sys.argv[1] if len(sys.argv) > 1 else 'admin/dist') / 1024:.1f} kB transferred")

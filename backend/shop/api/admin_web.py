"""Serves the built admin (admin/dist, a Vue single-page app) under /admin/.

Files that exist are sent as they are (hashed assets gzip-compressed when the browser accepts it, with
a year's immutable cache; index.html with no-cache so a new build is seen at once); any other path under /admin/ gets index.html so the
front end's router can draw the page. When the build is missing, /admin/ says how to make it.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Flask, Response, redirect, request, send_from_directory
from werkzeug.security import safe_join

DIST = Path(__file__).resolve().parents[3] / "admin" / "dist"

MISSING_BUILD = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>管理后台尚未构建</title></head>
<body style="font-family: sans-serif; max-width: 640px; margin: 60px auto; line-height: 1.7">
<h1>管理后台尚未构建</h1>
<p>The admin front end has not been built: <code>admin/dist/index.html</code> is missing.</p>
<p>Build it with:</p>
<pre>cd admin &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>(<code>make run</code> does this automatically when Node.js is installed.) The API itself is running:
<a href="/api/health">/api/health</a>.</p>
</body></html>"""


def _asset(dist: Path, path: str) -> Response:
    """A hashed build file: cached for a year and never revalidated (Vite puts a content hash in every
    asset name, so a name never changes content); the gzip copy the build wrote beside it (name.gz) is
    sent to browsers that accept gzip."""
    gzipped = (dist / f"{path}.gz").is_file() and "gzip" in request.accept_encodings
    if gzipped:
        response = send_from_directory(dist, f"{path}.gz", mimetype=mimetypes.guess_type(path)[0],
                                       conditional=True)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_from_directory(dist, path)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def register_admin_web(app: Flask, dist: Path = DIST) -> None:
    dist = Path(dist)

    @app.get("/admin")
    def admin_root_redirect():
        return redirect("/admin/", code=308)

    @app.get("/admin/", defaults={"path": ""})
    @app.get("/admin/<path:path>")
    def admin_web(path: str):
        if not (dist / "index.html").is_file():
            return Response(MISSING_BUILD, status=503, mimetype="text/html")
        # Only files inside dist count: a path leading outside is answered like any unknown page.
        inside = safe_join(str(dist), path) if path else None
        if inside and Path(inside).is_file():
            if path.startswith("assets/"):
                return _asset(dist, path)
            return send_from_directory(dist, path)
        if path.startswith("assets/"):
            return Response("not found", status=404, mimetype="text/plain")
        response = send_from_directory(dist, "index.html")
        response.cache_control.no_cache = True
        return response

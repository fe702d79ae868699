"""Browsable API docs (Swagger UI) served from the pinned `swagger-ui-py` package, never a CDN.

The page has no inline script, so it works under the same Content-Security-Policy as the admin.
On in sandbox mode; in production only with API_DOCS=1 (config.py).
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from flask import Blueprint, Response, send_from_directory

ASSETS = Path(str(files("swagger_ui") / "static"))

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>订单售后系统 API 文档</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/start.js"></script></body></html>"""

START = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                                validatorUrl: null });
});
"""

blp = Blueprint("api_docs", __name__)


@blp.get("/api/docs")
def docs_page():
    return Response(PAGE, mimetype="text/html")


@blp.get("/api/docs/start.js")
def docs_start():
    return Response(START, mimetype="text/javascript")


@blp.get("/api/docs/assets/<path:name>")
def docs_asset(name: str):
    return send_from_directory(ASSETS, name, max_age=86400)

"""The yardsticks of `make bench`, served by the same gunicorn settings as the API:

- GET /bare: a bare Flask JSON endpoint, so that a ratio against it measures what the shop adds (routing,
  auth, SQL, JSON) and nothing else;
- POST /bare/create and /bare/cancel: the raw-SQL floor's statements (bench/floor.py) behind a bare Flask
  endpoint, one psycopg connection per thread. Against the floor itself they give the ceiling of the create
  and cancel ratios: what any Flask app that sends only those statements, with no auth, validation or
  response body, could reach on this machine."""
import os
import threading

import psycopg
from flask import Flask, jsonify, request

import floor

app = Flask(__name__)
_DSN = os.environ.get("DATABASE_URL", "").replace("postgresql+psycopg://", "postgresql://", 1)
_local = threading.local()


@app.get("/bare")
def bare():
    return jsonify({"items": [], "total": 0})


def _run(statements, item):
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(_DSN)
    with conn.transaction():
        statements(conn, item)
    return jsonify({"ok": True})


@app.post("/bare/create")
def bare_create():
    body = request.get_json()
    return _run(floor.CREATE, (body["shopper_id"], body["sku_id"]))


@app.post("/bare/cancel")
def bare_cancel():
    body = request.get_json()
    return _run(floor.CANCEL, (body["order_id"], body["line_id"], body["sku_id"], body["quantity"]))

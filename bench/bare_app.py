"""The yardstick of `make bench`: a bare Flask JSON endpoint, served by the same gunicorn settings as the
API, so that a ratio against it measures what the shop adds (routing, auth, SQL, JSON) and nothing else."""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/bare")
def bare():
    return jsonify({"items": [], "total": 0})

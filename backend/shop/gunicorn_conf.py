"""gunicorn settings from the environment only, for any supervisor (docs/operations.md):

    gunicorn -c python:shop.gunicorn_conf 'shop:create_app()'

WEB_CONCURRENCY processes × GUNICORN_THREADS (or WEB_THREADS) threads, bound to HOST:PORT (0.0.0.0:8000).
Each process's PostgreSQL pool follows its threads (config.finalize_database): threads + DB_MAX_OVERFLOW.
"""
import os

from shop.config import load_config

_config = load_config()  # refuses a bad production configuration here, before any worker forks

bind = f"{os.environ.get('HOST') or '0.0.0.0'}:{_config['PORT']}"
workers = _config["WEB_CONCURRENCY"]
threads = _config["WEB_THREADS"]
# Idle keep-alive connections outlive the clients' own idle timeout (Node's fetch: 4 s), so a client never
# reuses one the server just closed.
keepalive = 10
graceful_timeout = 5
# The app is imported once, before the workers fork: a restarted API loads it once, not once per worker.
preload_app = True
accesslog = "-"
proc_name = f"shop-api@{_config['SHOP_INSTANCE']}"

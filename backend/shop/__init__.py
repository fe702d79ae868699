"""The shop backend: Flask app factory."""
from __future__ import annotations

from flask import Flask

from .config import finalize_database, load_config


class ShopFlask(Flask):
    """Flask, asking once per view or hook whether it is a coroutine function: Flask asks on every call, seven
    times in a request of the shopper's order list (2 % of its CPU, issue 13)."""

    _KEEP = 4096  # views and hooks are registered once: a bound on what a stray caller could add

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._synced: dict = {}

    def ensure_sync(self, func):
        synced = self._synced.get(func)
        if synced is None:
            synced = super().ensure_sync(func)
            if len(self._synced) < self._KEEP:
                self._synced[func] = synced
        return synced


def create_app(overrides: dict | None = None) -> Flask:
    app = ShopFlask(__name__, static_folder=None)
    app.config.update(load_config())
    if overrides:
        app.config.update(overrides)
    finalize_database(app.config)
    app.json.ensure_ascii = False

    from . import db as _models  # noqa: F401  (registers the tables)
    from .api import register_api
    from .api.ids import install as install_id_converter
    from .cli import register_cli
    from .cli.complaints import complaints_cli
    from .extensions import db, migrate, ping_idle_connections, take_pre_ping
    from .logging import configure_logging
    from .services.context import init_services

    configure_logging(app)
    pre_ping = take_pre_ping(app)
    db.init_app(app)
    if pre_ping:
        ping_idle_connections(app)
    migrate.init_app(app, db, directory=str(__import__("pathlib").Path(__file__).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    init_services(app)
    from .services.uow import end_read_only_requests
    end_read_only_requests(app)
    install_id_converter(app)
    register_api(app)
    register_cli(app)
    app.cli.add_command(complaints_cli)
    if not app.config["SANDBOX"]:
        from .services.production_checks import refuse_default_accounts
        refuse_default_accounts(app)
    return app

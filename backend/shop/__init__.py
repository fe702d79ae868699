"""The shop backend: Flask app factory."""
from __future__ import annotations

from flask import Flask

from .config import finalize_database, load_config


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
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

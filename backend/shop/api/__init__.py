"""HTTP entry points. Routes parse, call one service, and format; no business rule lives here."""
from __future__ import annotations

from flask import Flask

from ..extensions import api


def register_api(app: Flask) -> None:
    from . import docs, errors, health, openapi, security, wechat_notify
    from .admin import blueprints as admin_blueprints
    from .admin_web import register_admin_web
    from .limits import init_limiter
    from .mp import blueprints as mp_blueprints
    from .schemas import ErrorSchema

    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "info": {"description": "微信小程序商城订单售后系统。金额单位均为分（*_fen，整数）。"},
    })
    if not app.config.get("API_DOCS", True):
        app.config["OPENAPI_URL_PREFIX"] = None  # no /api/openapi.json either
    api.ERROR_SCHEMA = ErrorSchema  # every documented error is the {"error": {...}} that errors.py serves
    api.init_app(app)
    errors.register(app)
    security.install(app)
    init_limiter(app)
    if app.config.get("API_DOCS", True):
        app.register_blueprint(docs.blp)
    api.register_blueprint(health.blp)
    api.register_blueprint(wechat_notify.blp)
    for blp in mp_blueprints():
        api.register_blueprint(blp)
    for blp in admin_blueprints():
        api.register_blueprint(blp)
    openapi.document_errors(api)
    register_admin_web(app)

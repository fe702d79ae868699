"""Every error leaves as {"error": {"code", "message", "details"?}} with a Chinese message."""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from ..adapters.wechat_errors import WeChatError
from ..domain.errors import DomainError, ErrorCode

logger = logging.getLogger("shop.api")

HTTP_CODES = {
    400: ErrorCode.BAD_REQUEST, 401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND,
    409: ErrorCode.CONFLICT, 422: ErrorCode.VALIDATION_ERROR, 429: ErrorCode.TOO_MANY_REQUESTS,
}
FIELD_MESSAGES = {
    "Missing data for required field.": "必填",
    "Not a valid integer.": "须为整数",
    "Not a valid string.": "须为字符串",
    "Unknown field.": "不支持的字段",
    "Field may not be null.": "不能为空",
}


def _translate(messages):
    if isinstance(messages, dict):
        return {k: _translate(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [_translate(m) for m in messages]
    return FIELD_MESSAGES.get(messages, messages)


def error_response(code: ErrorCode, message: str | None = None, details=None, status: int | None = None):
    body = {"code": code.name, "message": message or code.default_message}
    if details:
        body["details"] = details
    return jsonify({"error": body}), status or code.http_status


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return error_response(exc.code, exc.message, exc.details)

    @app.errorhandler(WeChatError)
    def wechat_error(exc: WeChatError):
        logger.warning("wechat call failed", extra={"fields": {"code": exc.code, "message": exc.message}})
        return error_response(ErrorCode.WECHAT_ERROR, details={"wechat_code": exc.code})

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = HTTP_CODES.get(exc.code, ErrorCode.BAD_REQUEST)
        details = None
        if exc.code == 422:
            messages = getattr(exc, "data", {}).get("messages", {})
            # flask-smorest nests by location (json/query/headers); flatten one level for clients.
            details = {}
            for location_messages in messages.values():
                details.update(_translate(location_messages))
        message = code.default_message if exc.code in HTTP_CODES else exc.description
        return error_response(code, message, details, status=exc.code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        logger.exception("unhandled error")
        return error_response(ErrorCode.SERVICE_UNAVAILABLE, "系统繁忙，请稍后重试", status=500)

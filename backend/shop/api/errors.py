"""Every error leaves as {"error": {"code", "message", "details"?}} with a Chinese message."""
from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from ..adapters.wechat_errors import WeChatError
from ..domain.errors import DomainError, ErrorCode

logger = logging.getLogger("shop.api")
RETRY_AFTER_SECONDS = 5  # how soon a client may try again while the database or Redis is away

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


def _too_many_requests():
    """Every rate limit answers alike: how long to wait, in the message and as a number."""
    from .limits import retry_after_seconds
    seconds = retry_after_seconds()
    wait = f"{seconds} 秒" if seconds < 120 else f"{(seconds + 59) // 60} 分钟"
    response, status = error_response(ErrorCode.TOO_MANY_REQUESTS, f"操作过于频繁，请 {wait}后再试",
                                      {"retry_after_seconds": seconds})
    response.headers["Retry-After"] = str(seconds)
    return response, status


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if exc.audit:
            from ..services import audit
            audit.record(*exc.audit)
        response = error_response(exc.code, exc.message, exc.details)
        if exc.details and "retry_after_seconds" in exc.details:
            response[0].headers["Retry-After"] = str(exc.details["retry_after_seconds"])
        return response

    @app.errorhandler(WeChatError)
    def wechat_error(exc: WeChatError):
        logger.warning("wechat call failed", extra={"fields": {"code": exc.code, "message": exc.message}})
        return error_response(ErrorCode.WECHAT_ERROR, details={"wechat_code": exc.code})

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is not None and exc.code >= 500:
            # Flask wraps what escaped every other handler (e.g. raised while ending the request) as a 500: a
            # database or Redis that went away is still 503 + Retry-After, anything else the generic answer.
            original = getattr(exc, "original_exception", None)
            if isinstance(original, DBAPIError):
                return database_error(original)
            if isinstance(original, (RedisConnectionError, RedisTimeoutError)):
                return redis_unavailable(original)
            return unexpected(original or exc)
        code = HTTP_CODES.get(exc.code, ErrorCode.BAD_REQUEST)
        details = None
        if exc.code == 422:
            messages = getattr(exc, "data", {}).get("messages", {})
            # flask-smorest nests by location (json/query/headers); flatten one level for clients.
            details = {}
            for location_messages in messages.values():
                details.update(_translate(location_messages))
        if exc.code == 429:
            return _too_many_requests()
        if exc.code == 413:
            return error_response(ErrorCode.PAYLOAD_TOO_LARGE,
                                  f"上传内容不能超过 {current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)}MB")
        message = code.default_message if exc.code in HTTP_CODES else exc.description
        return error_response(code, message, details, status=exc.code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        logger.exception("unhandled error")
        return error_response(ErrorCode.SERVICE_UNAVAILABLE, "系统繁忙，请稍后重试", status=500)

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        # Unreachable, restarting or locked: the request changed nothing and may be sent again.
        if isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated:
            logger.warning("database unavailable", extra={"fields": {"error": str(exc.orig)[:200]}})
            return _unavailable("数据库暂时不可用，请稍后重试")
        return unexpected(exc)

    @app.errorhandler(RedisConnectionError)
    @app.errorhandler(RedisTimeoutError)
    def redis_unavailable(exc: Exception):
        logger.warning("redis unavailable", extra={"fields": {"error": str(exc)[:200]}})
        return _unavailable("服务暂时不可用，请稍后重试")


def _unavailable(message: str):
    response, status = error_response(ErrorCode.SERVICE_UNAVAILABLE, message, status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, status

"""What escapes every handler reaches Flask's last resort as a wrapped 500 (InternalServerError): it must still
answer in our shape — 503 + Retry-After when the database went away (seen in `make soak` while PostgreSQL
restarted: a 500 with code BAD_REQUEST), the generic Chinese message otherwise."""
from sqlalchemy.exc import OperationalError


def _last_resort(app, exc):
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        with app.test_request_context("/api/mp/orders", method="POST"):
            return app.handle_exception(exc)
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = propagate


def test_a_database_gone_while_the_request_ended_is_503_with_retry_after(app):
    reply = _last_resort(app, OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert reply.status_code == 503 and reply.headers["Retry-After"]
    assert reply.get_json()["error"]["code"] == "SERVICE_UNAVAILABLE"


def test_anything_else_is_the_generic_answer_not_bad_request(app):
    reply = _last_resort(app, RuntimeError("boom"))
    assert reply.status_code == 500
    assert reply.get_json()["error"] == {"code": "SERVICE_UNAVAILABLE", "message": "系统繁忙，请稍后重试"}

"""The error answers each operation can give, in the document: every one is errors.py's {"error": {...}}.

flask-smorest documents 422 (bad arguments) and a `default` error itself; this adds the statuses our own
code answers with, so a client sees them per operation rather than guessing from `default`."""
from __future__ import annotations

from flask_smorest import Api

# status -> (component flask-smorest registers lazily, when the operation can answer it)
ERROR_STATUSES = {
    401: ("UNAUTHORIZED", lambda path, method, op: bool(op.get("security"))),
    403: ("FORBIDDEN", lambda path, method, op: bool(op.get("security"))),
    404: ("NOT_FOUND", lambda path, method, op: "{" in path),
    409: ("CONFLICT", lambda path, method, op: method in ("post", "put", "patch", "delete")),
    429: ("TOO_MANY_REQUESTS", lambda path, method, op: method == "post"),
    503: ("SERVICE_UNAVAILABLE", lambda path, method, op: True),  # database or Redis away (Retry-After)
}
METHODS = ("get", "post", "put", "patch", "delete")


def document_errors(api: Api) -> None:
    """Call after every blueprint is registered. Operations that answer in another format
    (WeChat's callbacks) already list their statuses and are left as they are."""
    for path, operations in api.spec._paths.items():
        for method in METHODS:
            operation = operations.get(method)
            if not operation or path.startswith("/api/wechat/"):
                continue
            responses = operation.setdefault("responses", {})
            for status, (component, applies) in ERROR_STATUSES.items():
                if str(status) not in responses and applies(path, method, operation):
                    responses[str(status)] = api.spec.components.get_ref("response", component)

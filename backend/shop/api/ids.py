"""Ids and counts at the edge: a number the database column cannot hold is a clear 404 (in a path) or 422
(in a body), never a 500 from the database driver; `1.5` or `"2"` is not a quantity."""
from __future__ import annotations

from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter

DB_ID_MAX = 2**31 - 1  # the narrowest id column (PostgreSQL integer); SQLite's 2**63 is further out


class DatabaseIdConverter(IntegerConverter):
    """Every `<int:...>` route: a number outside 0..DB_ID_MAX does not match, so the answer is 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_ID_MAX)
        super().__init__(map, *args, **kwargs)


def install(app) -> None:
    """Before any blueprint is registered: the rules are built with the converter in force then."""
    app.url_map.converters["int"] = DatabaseIdConverter


def id_field(*, query: bool = False, **kwargs) -> fields.Integer:
    """An id in a request: 1..DB_ID_MAX; in a JSON body a true integer (a query string is always text)."""
    return fields.Integer(strict=not query, validate=validate.Range(min=1, max=DB_ID_MAX, error="编号无效"), **kwargs)


def quantity_field(*, error: str = "数量须在 1 到 999 之间", **kwargs) -> fields.Integer:
    """A count of units: a true integer 1..999 (1.5 is refused, not read as 1)."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=999, error=error), **kwargs)

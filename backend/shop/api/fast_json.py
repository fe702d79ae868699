"""A response schema's dump, compiled once into plain functions (issue 13: the shopper's order list and
order page are read most).

flask-smorest dumps every response through marshmallow, field by field (an order page of ten orders is
about 500 field objects, 1-2 ms of CPU). `dumper(schema)` walks the schema once and returns a function that
gives the same result as `schema.dump(obj)`: the same keys (absent values left out), the same
conversions (int for Integer, str for String, Shanghai time in ISO 8601 for ShanghaiDateTime, nested
schemas and lists alike); any other field type is serialized by the field itself, and a schema with
dump hooks by marshmallow. A view returns `json_response(schema, body)`: flask-smorest passes a
Response through without dumping again, and the documented schema stays the one in `@blp.response`.
The result is encoded by orjson as Flask's JSON would encode it (sorted keys; dates and the like through the app's
`default`). tests/api/test_shopper_reads.py checks the dump against marshmallow's own.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from flask import Response, current_app
from marshmallow import Schema, fields, missing
from marshmallow.schema import POST_DUMP, PRE_DUMP

from ..domain.clock import to_shanghai
from .schemas import ShanghaiDateTime

# Flask's own JSON (jsonify) sorts keys and hands dates, dataclasses and the like to the app's `default`; orjson
# does both the same way, in C.
_ORJSON = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | \
    orjson.OPT_PASSTHROUGH_DATACLASS
_DUMPERS: dict[int, tuple[Schema, Callable[[Any], Any]]] = {}


def _get(obj: Any, key: str) -> Any:
    """marshmallow's utils.get_value for a plain key: item first, then attribute."""
    if hasattr(obj, "__getitem__"):
        try:
            return obj[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
    return getattr(obj, key, missing)


def _conversion(field: fields.Field, scope: dict) -> str:
    """A Python expression of `v` giving field._serialize(v); the helpers it calls are put in `scope`."""
    kind, helper = type(field), f"h{len(scope)}"
    if kind is fields.Integer and not field.as_string:
        return "v if v is None or type(v) is int else int(v)"
    if kind is fields.String:
        scope[helper] = lambda v: field._serialize(v, None, None)
        return f"v if v is None or type(v) is str else {helper}(v)"
    if kind is ShanghaiDateTime and field.format in (None, "iso", "iso8601"):
        scope[helper] = shanghai_iso
        return f"None if v is None else {helper}(v)"
    if kind is fields.Nested and isinstance(field.schema, Schema):
        scope[helper] = _object_function(field.schema)
        if field.schema.many or field.many:
            return f"None if v is None else [{helper}(e) for e in v]"
        return f"None if v is None else {helper}(v)"
    if kind is fields.List:
        inner: dict[str, Any] = {}
        scope[helper] = _function("each", [f"return {_conversion(field.inner, inner)}"], inner, argument="v")
        return f"None if v is None else [{helper}(e) for e in v]"
    if kind is fields.Dict and field.key_field is None and field.value_field is None:
        return "None if v is None else dict(v)"
    scope[helper] = lambda v: field._serialize(v, None, None)
    return f"{helper}(v)"


def shanghai_iso(moment: datetime) -> str:
    """to_shanghai(moment).isoformat(), the same text written by orjson in C (RFC 3339, isoformat's own form for an
    aware datetime, microseconds when there are any) at about a third of the CPU."""
    return orjson.dumps(to_shanghai(moment))[1:-1].decode()


def _function(name: str, lines: list[str], scope: dict, argument: str = "obj") -> Callable[[Any], Any]:
    """def name(argument): lines, compiled with `scope` as its globals."""
    source = "\n".join([f"def {name}({argument}):", *(f"    {line}" for line in lines)])
    exec(compile(source, f"<fast_json {name}>", "exec"), scope)  # noqa: S102 - built from a schema, not from input
    return scope[name]


def _object_function(schema: Schema) -> Callable[[Any], Any]:
    """schema.dump as one generated function, each field's lookup and conversion written inline: for a dict (what
    the presenters build) one `get`, else marshmallow's item-then-attribute lookup."""
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP] or schema.many:
        return schema.dump
    scope: dict[str, Any] = {"missing": missing, "_get": _get}
    from_dict, from_object = [], []
    for name, field in schema.dump_fields.items():
        if field.dump_default is not missing or getattr(field, "_CHECK_ATTRIBUTE", True) is False:
            return schema.dump  # rare field options: marshmallow itself
        attribute, key = field.attribute or name, field.data_key if field.data_key is not None else name
        store = f"if v is not missing: out[{key!r}] = {_conversion(field, scope)}"
        from_dict += [f"v = get({attribute!r}, missing)", f"if v is missing: v = getattr(obj, {attribute!r}, missing)",
                      store]
        from_object += [f"v = _get(obj, {attribute!r})", store]
    _function("from_object", ["out = {}", *from_object, "return out"], scope)
    return _function("dump", ["if type(obj) is not dict:", "    return from_object(obj)", "out = {}", "get = obj.get",
                              *from_dict, "return out"], scope)


def dumper(schema: Schema | type[Schema]) -> Callable[[Any], Any]:
    """schema.dump, compiled (kept per schema)."""
    cached = _DUMPERS.get(id(schema))
    if cached is None or cached[0] is not schema:
        instance = schema() if isinstance(schema, type) else schema
        cached = _DUMPERS[id(schema)] = (schema, _object_function(instance))
    return cached[1]


def json_response(schema: Schema | type[Schema], body: Any, status: int = 200) -> Response:
    """The JSON flask-smorest would send for `body` under `schema`, without marshmallow's per-field cost."""
    data = orjson.dumps(dumper(schema)(body), default=current_app.json.default, option=_ORJSON)
    return current_app.response_class(data, status=status, mimetype="application/json")

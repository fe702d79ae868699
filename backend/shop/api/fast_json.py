"""A response schema's dump, compiled once into plain functions (issue 13: the shopper's order list and
order page are read most).

flask-smorest dumps every response through marshmallow, field by field (an order page of ten orders is
about 500 field objects, 1-2 ms of CPU). `dumper(schema)` walks the schema once and returns a function that
gives the same result as `schema.dump(obj)`: the same keys (absent values left out), the same
conversions (int for Integer, str for String, Shanghai time in ISO 8601 for ShanghaiDateTime, nested
schemas and lists alike); any other field type is serialized by the field itself, and a schema with
dump hooks by marshmallow. A view returns `json_response(schema, body)`: flask-smorest passes a
Response through without dumping again, and the documented schema stays the one in `@blp.response`.
tests/api/test_fast_json.py checks the result against marshmallow's own dump.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify
from marshmallow import Schema, fields, missing
from marshmallow.schema import POST_DUMP, PRE_DUMP

from ..domain.clock import to_shanghai
from .schemas import ShanghaiDateTime

_DUMPERS: dict[int, tuple[Schema, Callable[[Any], Any]]] = {}


def _get(obj: Any, key: str) -> Any:
    """marshmallow's utils.get_value for a plain key: item first, then attribute."""
    if hasattr(obj, "__getitem__"):
        try:
            return obj[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
    return getattr(obj, key, missing)


def _value_function(field: fields.Field) -> Callable[[Any], Any]:
    """value -> what field._serialize(value) gives."""
    kind = type(field)
    if kind is fields.Integer and not field.as_string:
        return lambda v: None if v is None else int(v)
    if kind is fields.String:
        return lambda v: None if v is None else (v if type(v) is str else field._serialize(v, None, None))
    if kind is ShanghaiDateTime and field.format in (None, "iso", "iso8601"):
        return lambda v: None if v is None else to_shanghai(v).isoformat()
    if kind is fields.Nested and isinstance(field.schema, Schema):
        nested = _object_function(field.schema)
        if field.schema.many or field.many:
            return lambda v: None if v is None else [nested(each) for each in v]
        return lambda v: None if v is None else nested(v)
    if kind is fields.List:
        inner = _value_function(field.inner)
        return lambda v: None if v is None else [inner(each) for each in v]
    if kind is fields.Dict and field.key_field is None and field.value_field is None:
        return lambda v: None if v is None else dict(v)
    return lambda v: field._serialize(v, None, None)


def _object_function(schema: Schema) -> Callable[[Any], Any]:
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP] or schema.many:
        return schema.dump
    plan = []
    for name, field in schema.dump_fields.items():
        if field.dump_default is not missing or getattr(field, "_CHECK_ATTRIBUTE", True) is False:
            return schema.dump  # rare field options: marshmallow itself
        plan.append((field.attribute or name, field.data_key if field.data_key is not None else name,
                     _value_function(field)))

    def dump(obj: Any) -> dict:
        out = {}
        if type(obj) is dict:  # the presenters' dicts: one lookup per field, as _get would end up doing
            for attribute, key, convert in plan:
                value = obj.get(attribute, missing)
                if value is missing:
                    value = getattr(obj, attribute, missing)
                if value is not missing:
                    out[key] = convert(value)
            return out
        for attribute, key, convert in plan:
            value = _get(obj, attribute)
            if value is not missing:
                out[key] = convert(value)
        return out
    return dump


def dumper(schema: Schema | type[Schema]) -> Callable[[Any], Any]:
    """schema.dump, compiled (kept per schema)."""
    cached = _DUMPERS.get(id(schema))
    if cached is None or cached[0] is not schema:
        instance = schema() if isinstance(schema, type) else schema
        cached = _DUMPERS[id(schema)] = (schema, _object_function(instance))
    return cached[1]


def json_response(schema: Schema | type[Schema], body: Any, status: int = 200) -> Response:
    """The JSON flask-smorest would send for `body` under `schema`, without marshmallow's per-field cost."""
    response = jsonify(dumper(schema)(body))
    response.status_code = status
    return response

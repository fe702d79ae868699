"""The answer of both word dictionaries (GET /api/mp/words, GET /api/admin/words): public and cacheable, the
ETag is the words' version, and If-None-Match with it answers 304 with no body."""
from flask import Response, jsonify, request
from marshmallow import Schema


def words_response(schema: Schema, body: dict) -> Response:
    """`body` ({version, words}) dumped by the endpoint's documented schema, with its ETag; 304 when unchanged."""
    response = jsonify(schema.dump(body))
    response.set_etag(body["version"])
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)

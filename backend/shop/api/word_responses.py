"""The answer of both word dictionaries (GET /api/mp/words, GET /api/admin/words): public and cacheable, the
ETag is the words' version, and If-None-Match with it answers 304 with no body. A client that accepts gzip gets
the dictionary compressed (the admin's is 28 kB of JSON, 9.5 kB gzipped), compressed once per version."""
import gzip

from flask import Response, current_app, json, request
from marshmallow import Schema

_BODIES: dict[tuple[str, str, bool], bytes] = {}


def words_response(schema: Schema, body: dict) -> Response:
    """`body` ({version, words}) dumped by the endpoint's documented schema, with its ETag; 304 when unchanged."""
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    key = (type(schema).__name__, body["version"], zipped)
    if key not in _BODIES:
        data = json.dumps(schema.dump(body)).encode()
        _BODIES[key] = gzip.compress(data, 9, mtime=0) if zipped else data
    response = current_app.response_class(_BODIES[key], mimetype="application/json")
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    # One version, two encodings: the gzip copy's ETag is weak (as nginx marks what it compresses), and the
    # weak comparison of If-None-Match takes either, so an unchanged dictionary is a 304 however it was sent.
    response.set_etag(body["version"], weak=zipped)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)

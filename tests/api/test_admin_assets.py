"""The admin's files (issue 12 item 7): hashed assets go out gzip-compressed with a year's immutable cache,
index.html is revalidated on every visit so a new build is seen at once."""
import gzip

import pytest
from flask import Flask

from shop.api.admin_web import register_admin_web

SCRIPT = b"console.log('admin');" * 200


@pytest.fixture()
def web(tmp_path):
    assets = tmp_path / "dist" / "assets"
    assets.mkdir(parents=True)
    (tmp_path / "dist" / "index.html").write_text('<script src="/admin/assets/index-abc123.js"></script>')
    (assets / "index-abc123.js").write_bytes(SCRIPT)
    (assets / "index-abc123.js.gz").write_bytes(gzip.compress(SCRIPT))
    (assets / "logo-def456.svg").write_text("<svg/>")
    app = Flask("admin-assets")
    register_admin_web(app, tmp_path / "dist")
    return app.test_client()


def test_a_hashed_script_goes_out_gzipped_and_cached_for_a_year(web):
    reply = web.get("/admin/assets/index-abc123.js", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.mimetype in ("text/javascript", "application/javascript")
    assert gzip.decompress(reply.data) == SCRIPT and len(reply.data) < len(SCRIPT) / 10
    assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert reply.headers["Vary"] == "Accept-Encoding"


def test_a_client_without_gzip_and_a_file_without_a_gzip_copy_get_the_plain_file(web):
    plain = web.get("/admin/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
    svg = web.get("/admin/assets/logo-def456.svg", headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain.headers and plain.data == SCRIPT
    assert "Content-Encoding" not in svg.headers and svg.data == b"<svg/>"
    assert svg.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_index_html_is_revalidated_on_every_visit(web):
    for path in ("/admin/", "/admin/orders/12"):
        reply = web.get(path)
        assert reply.headers["Cache-Control"] == "no-cache" and b"index-abc123.js" in reply.data

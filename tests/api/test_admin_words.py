"""The admin's words come from the server: one dictionary of page words (GET /api/admin/words, public, ETag),
from domain.staff_words, which the admin's tests are served too (admin/tests/support/words.json)."""
import json
import re
from pathlib import Path

import pytest

from shop.domain import staff_words
from shop.domain.staff_words import STAFF_WORDS, areas, core

# The words the admin's vitest tests are served (admin/tests/support/setup-words.js): the server's, exactly.
ADMIN_WORDS = Path(__file__).resolve().parents[2] / "admin" / "tests" / "support" / "words.json"


def test_words_are_public_versioned_and_answer_304_when_unchanged(client):
    reply = client.get("/api/admin/words")  # no token
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["words"] == STAFF_WORDS
    assert body["words"]["common"]["cancel"] == "取消" and body["words"]["login"]["submit"] == "登录"
    assert reply.headers["ETag"] == f'"{body["version"]}"' and "public" in reply.headers["Cache-Control"]
    again = client.get("/api/admin/words", headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    other = client.get("/api/admin/words", headers={"If-None-Match": '"an-old-version"'})
    assert other.status_code == 200 and other.get_json() == body


def test_a_bad_token_does_not_keep_the_words_from_the_sign_in_page(client):
    reply = client.get("/api/admin/words", headers={"Authorization": "Bearer not-a-token"})
    assert reply.status_code == 200 and reply.get_json()["words"] == STAFF_WORDS


def test_the_words_are_in_the_openapi_document_as_public(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/admin/words"]["get"]
    assert "security" not in operation and "x-permission" not in operation
    assert set(operation["responses"]) >= {"200", "304"}


def test_every_word_is_chinese_text_and_placeholders_are_named():
    for group, words in STAFF_WORDS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", group), group
        for key, text in words.items():
            assert re.fullmatch(r"[a-z][a-z0-9_]*", key), (group, key)
            assert isinstance(text, str) and text.strip(), (group, key)
            assert "{}" not in text, (group, key)
            assert all(re.fullmatch(r"[a-z_]+", name) for name in re.findall(r"\{([^}]*)\}", text)), (group, key)


def test_a_group_is_defined_in_one_file_only(monkeypatch):
    assert set(STAFF_WORDS) == set(core.WORDS) | set(areas.WORDS)
    with pytest.raises(ValueError, match="common"):
        staff_words._merge(core.WORDS, {"common": {"ok": "好"}})


def test_the_admin_tests_are_served_the_servers_words(client):
    served = client.get("/api/admin/words").get_json()
    assert json.loads(ADMIN_WORDS.read_text(encoding="utf-8")) == served, \
        "admin/tests/support/words.json differs from GET /api/admin/words: " \
        "run PYTHONPATH=backend .venv/bin/python scripts/word_fixtures.py"


def test_gzip_when_accepted_with_the_same_version(client):
    import gzip as gz
    plain = client.get("/api/admin/words")
    zipped = client.get("/api/admin/words", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.data) < len(plain.data) / 2
    assert json.loads(gz.decompress(zipped.data)) == plain.get_json()
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Content-Encoding" not in plain.headers
    # the version the client kept answers 304 whichever encoding it was sent in
    for etag in (plain.headers["ETag"], zipped.headers["ETag"]):
        again = client.get("/api/admin/words", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert again.status_code == 304 and not again.data

"""Writes the front ends' test copies of the server's word dictionaries: miniprogram/tests/support/words.json
(GET /api/mp/words) and admin/tests/support/words.json (GET /api/admin/words). tests/api/test_mp_words.py and
tests/api/test_admin_words.py fail while a copy differs. Run after changing domain/labels.py SHOPPER_WORDS or
domain/staff_words/: PYTHONPATH=backend .venv/bin/python scripts/word_fixtures.py"""
import json
from pathlib import Path

from shop.services.meta import shopper_words, staff_words

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = {ROOT / "miniprogram" / "tests" / "support" / "words.json": shopper_words,
            ROOT / "admin" / "tests" / "support" / "words.json": staff_words}

if __name__ == "__main__":
    for target, words in FIXTURES.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(words(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target}")

"""Writes miniprogram/tests/support/words.json, the words the mini-program's page tests are served, from the
server's GET /api/mp/words (tests/api/test_mp_words.py fails while they differ). Run after changing
backend/shop/domain/labels.py SHOPPER_WORDS: PYTHONPATH=backend .venv/bin/python scripts/miniprogram_words.py"""
import json
from pathlib import Path

from shop.services.meta import shopper_words

TARGET = Path(__file__).resolve().parents[1] / "miniprogram" / "tests" / "support" / "words.json"

if __name__ == "__main__":
    TARGET.write_text(json.dumps(shopper_words(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")

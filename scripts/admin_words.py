"""Writes admin/tests/support/words.json, the words the admin's vitest tests are served, from the server's
GET /api/admin/words (tests/api/test_admin_words.py fails while they differ). Run after changing
backend/shop/domain/staff_words/: PYTHONPATH=backend .venv/bin/python scripts/admin_words.py"""
import json
from pathlib import Path

from shop.services.meta import staff_words

TARGET = Path(__file__).resolve().parents[1] / "admin" / "tests" / "support" / "words.json"

if __name__ == "__main__":
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(staff_words(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")

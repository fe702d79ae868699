"""The admin's words (staff_words): every page title, column header, button, form label, placeholder, dialog,
empty state and toast the staff read, grouped by page, served by GET /api/admin/words (services.meta.staff_words).
Labels of machine codes (statuses, actions, roles ...) are not here: they live beside their rules and come with
GET /api/admin/meta. `core.py` holds `common` and the core pages (login, layout, orders ...), `areas.py` the other
pages; a group is defined in one of them only."""
from __future__ import annotations

from . import areas, core


def _merge(*parts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for part in parts:
        for group, words in part.items():
            if group in merged:
                raise ValueError(f"staff words group {group!r} is defined twice (core.py and areas.py)")
            merged[group] = dict(words)
    return merged


STAFF_WORDS: dict[str, dict[str, str]] = _merge(core.WORDS, areas.WORDS)

"""The sandbox's memory across restarts: one SQLite file holding every payment, refund,
subscribe message and notification still owed as a JSON row, written through on each change
and read back at start.

The state keeps working from its in-memory dictionaries (one process, one lock); this file only
makes sure that a restart of `make run` forgets nothing WeChat would remember.
`path=None` keeps nothing (tests that want speed)."""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path

_SCHEMA = """CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
)"""


def dump(record) -> str:
    data = asdict(record)
    return json.dumps({k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()},
                      ensure_ascii=False)


def load(cls, text: str):
    data = json.loads(text)
    names = {f.name for f in fields(cls)}
    for name in getattr(cls, "DATETIMES", ()):
        if data.get(name):
            data[name] = datetime.fromisoformat(data[name])
    return cls(**{k: v for k, v in data.items() if k in names})


class Store:
    """One connection shared by the request and notifier threads, behind one lock."""

    def __init__(self, path: str | Path | None):
        self.path = path
        self._lock = threading.Lock()
        self._db = None
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)

    def save(self, kind: str, key: str, record):
        if self._db is not None:
            text = record if isinstance(record, str) else dump(record)
            with self._lock:
                self._db.execute("INSERT INTO records (kind, key, data) VALUES (?, ?, ?) "
                                 "ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data", (kind, key, text))

    def delete(self, kind: str, key: str):
        if self._db is not None:
            with self._lock:
                self._db.execute("DELETE FROM records WHERE kind = ? AND key = ?", (kind, key))

    def rows(self, kind: str) -> list[str]:
        if self._db is None:
            return []
        with self._lock:
            return [row[0] for row in
                    self._db.execute("SELECT data FROM records WHERE kind = ? ORDER BY rowid", (kind,))]

    def clear(self):
        if self._db is not None:
            with self._lock:
                self._db.execute("DELETE FROM records")

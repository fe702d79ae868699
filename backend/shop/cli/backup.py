"""`flask backup FILE` / `flask restore FILE`: the whole database to a file and back.

SQLite uses its online backup API (consistent while the shop runs); PostgreSQL uses `pg_dump -Fc` and
`pg_restore`, which must be installed (the PostgreSQL client tools, of the server's major version).
After a restore the database gets a new instance id, so no job left in Redis from before is mistaken
for one of the ids it hands out again; the sweepers then pick up whatever the restored rows still owe
(unpaid orders to close, refunds to pay).
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from ..extensions import db
from ..services import instance


class BackupError(RuntimeError):
    pass


def backup(uri: str, target: Path) -> None:
    url = make_url(uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(url.database), target)
    elif url.get_backend_name() == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), _libpq_url(url)])
    else:
        raise BackupError(f"no backup for {url.get_backend_name()} databases")


def restore(uri: str, source: Path) -> str:
    """Replace the database's content with the backup's; returns the new instance id."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    url = make_url(uri)
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old content open
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, Path(url.database))
    elif url.get_backend_name() == "postgresql":
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", _libpq_url(url), str(source)])
    else:
        raise BackupError(f"no restore for {url.get_backend_name()} databases")
    return instance.renew()


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _libpq_url(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools (e.g. apt install postgresql-client) "
                          "of the server's major version")
    return path


def _run(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-800:]}")

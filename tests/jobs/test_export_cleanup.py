"""Export files in var/exports do not pile up (issue 12): cron removes those older than a day every hour."""
import os
import time
from datetime import timedelta

from shop.domain import clock
from shop.jobs import export_tasks
from shop.jobs.worker import SCHEDULE
from shop.services import order_exports


def test_cron_removes_export_files_older_than_a_day_and_keeps_the_rest(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path))
    assert ("shop.jobs.export_tasks.remove_old_exports", 3600) in SCHEDULE
    assert order_exports.FILE_LIFETIME == timedelta(days=1)
    fresh, other = tmp_path / "fresh.xlsx", tmp_path / "notes.txt"
    stale = tmp_path / "stale.xlsx"
    for path in (stale, fresh, other):
        path.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))

    with app.app_context():
        assert export_tasks.remove_old_exports() == 1
    assert not stale.exists() and fresh.exists() and other.exists()  # only export files, only old ones

    clock.advance(timedelta(hours=23))
    with app.app_context():
        assert order_exports.remove_old_exports() == 0
    clock.advance(timedelta(hours=2))
    with app.app_context():
        assert order_exports.remove_old_exports() == 1
    assert not fresh.exists()

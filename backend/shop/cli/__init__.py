"""`flask` commands: seed-demo, seed-history, create-staff, worker, cron, backup, restore."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load demo catalogue, coupons and staff (sandbox mode only)."""
        from .seed import seed_demo, seed_demo_shopper
        if not current_app.config["SANDBOX"] or not current_app.config["DEMO_DATA"]:
            raise click.ClickException("demo data is only loaded in sandbox mode")
        click.echo(seed_demo())
        click.echo(seed_demo_shopper())

    @app.cli.command("seed-history")
    @click.option("--days", default=90, show_default=True, type=click.IntRange(1, 365))
    @click.option("--orders", default=2400, show_default=True, type=click.IntRange(0, 100000))
    @click.option("--sandbox-state", default=None, help="The sandbox's state file (var/sandbox.sqlite).")
    def seed_history_command(days, orders, sandbox_state):
        """Demo history: orders of the last days through the real services (sandbox mode, empty shop)."""
        from .history import seed_history
        if not current_app.config["SANDBOX"] or not current_app.config["DEMO_DATA"]:
            raise click.ClickException("demo history is only made in sandbox mode")
        click.echo(seed_history(days=days, orders=orders, sandbox_state=sandbox_state))

    @app.cli.command("create-staff")
    @click.option("--username", required=True)
    @click.option("--name", required=True)
    @click.option("--role", required=True, type=click.Choice(
        ["customer_service", "supervisor", "finance", "warehouse", "admin"]))
    @click.password_option()
    def create_staff_command(username, name, role, password):
        """Create a staff account."""
        from ..services.staff_accounts import create_staff
        staff = create_staff(username=username, name=name, role=role, password=password)
        click.echo(f"created staff {staff.username} ({staff.role})")

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
    @click.option("--queues", default="", envvar="WORKER_QUEUES",
                  help="Comma-separated queues in priority order (default: default,refunds,notifications).")
    def worker_command(burst, queues):
        """RQ worker with its scheduler (retries, delayed jobs)."""
        from ..adapters.queue import parse_queue_names
        from ..jobs.worker import run_worker
        try:
            names = parse_queue_names(queues)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--queues") from exc
        run_worker(current_app._get_current_object(), names, burst=burst)

    @app.cli.command("cron")
    def cron_command():
        """Delayed jobs onto their queues, and the periodic sweepers (once per cluster)."""
        from ..jobs.worker import run_cron
        run_cron(current_app._get_current_object())

    @app.cli.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(file):
        """Copy the whole database to FILE (SQLite online backup, or pg_dump -Fc)."""
        from .backup import BackupError, backup
        try:
            backup(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"backed up to {file}")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.confirmation_option(prompt="Replace everything in the database with the backup?")
    def restore_command(file):
        """Replace the database's content with FILE (made by `flask backup`)."""
        from .backup import BackupError, restore
        try:
            new_id = restore(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"restored from {file} (instance {new_id}); run `flask --app shop db upgrade heads` if the "
                   "backup is older than this release")

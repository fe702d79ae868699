"""`flask` commands: seed-demo, create-staff, worker, cron."""
from __future__ import annotations

import click
from flask import Flask, current_app


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load demo catalogue, coupons and staff (sandbox mode only)."""
        from .seed import seed_demo
        if not current_app.config["SANDBOX"] or not current_app.config["DEMO_DATA"]:
            raise click.ClickException("demo data is only loaded in sandbox mode")
        click.echo(seed_demo())

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

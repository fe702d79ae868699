"""`flask complaints …`: WeChat Pay consumer complaints (W6)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

complaints_cli = AppGroup("complaints", help="WeChat Pay consumer complaints (消费者投诉2.0, APIv3 only).")


@complaints_cli.command("register-notify-url")
def register_notify_url_command():
    """Register PUBLIC_BASE_URL/api/wechat/v3/complaint-notify as the merchant's complaint notify URL."""
    from ..domain.errors import DomainError
    from ..services import complaints
    try:
        click.echo(f"complaint notifications go to {complaints.register_notify_url()}")
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


@complaints_cli.command("pull")
def pull_command():
    """Pull WeChat's complaint list now (the cron does it every 5 minutes) and raise due alerts."""
    from ..services import complaints
    click.echo(complaints.sweep())

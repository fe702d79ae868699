"""Jobs that reach shoppers through WeChat (N1). The outbox row is the record; the job only sends it."""
from __future__ import annotations

from .tasks import job


@job
def send_subscribe_message(outbox_id: int) -> str:
    from ..services import notifications
    return notifications.send_subscribe_message(outbox_id)

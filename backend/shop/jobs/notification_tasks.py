"""Jobs that reach shoppers through WeChat (N1). The outbox row is the record; the job only sends it."""
from __future__ import annotations

from .tasks import job


@job
def send_subscribe_message(outbox_id: int) -> str:
    from ..services import notifications
    return notifications.send_subscribe_message(outbox_id)


@job
def sweep_subscribe_messages() -> int:
    """Safety net for sends whose job was lost (Redis down when the notice was written)."""
    from ..services import notifications
    return notifications.resend_lost_subscribe_messages()

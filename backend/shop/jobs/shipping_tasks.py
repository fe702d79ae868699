"""Jobs that report shipments to WeChat (W4). The outbox row is the record; the job only sends it."""
from __future__ import annotations

from .tasks import job


@job
def upload_shipment(upload_id: int) -> str:
    from ..services import shipping
    return shipping.upload_shipment(upload_id)


@job
def sweep_shipping_uploads() -> int:
    """Safety net for uploads whose job was lost (Redis down when the shipment was written)."""
    from ..services import shipping
    return shipping.resend_lost_uploads()


@job
def remind_confirm_receipt(order_id: int) -> None:
    from ..services import shipping
    shipping.remind_confirm_receipt(order_id)


@job
def check_wechat_platform() -> dict:
    """is_trade_managed and set_msg_jump_path: at worker start and every hour."""
    from ..services import shipping
    return shipping.check_platform()


@job
def sweep_complaints() -> dict:
    """W6 safety net: pull WeChat's complaint list, then alert supervisors 4 h before a deadline."""
    from ..services import complaints
    return complaints.sweep()

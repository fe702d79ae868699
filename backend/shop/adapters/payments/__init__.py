"""WeChat Pay behind one gateway (gateway.py): APIv3 in public-key mode (v3.py, the default) or APIv2 (v2.py)."""
from .gateway import (NOT_SUPPORTED_CODE, BillRefund, CloseResult, Complaint, ComplaintHistoryEntry, ComplaintNotice,
                      ComplaintState, NotificationReply, PaymentCreated, PaymentGateway, PaymentNotification,
                      PaymentQueried, PaymentState, RefundOutcome, RefundStatus)

__all__ = ["NOT_SUPPORTED_CODE", "BillRefund", "CloseResult", "Complaint", "ComplaintHistoryEntry", "ComplaintNotice",
           "ComplaintState", "NotificationReply", "PaymentCreated", "PaymentGateway", "PaymentNotification",
           "PaymentQueried", "PaymentState", "RefundOutcome", "RefundStatus"]

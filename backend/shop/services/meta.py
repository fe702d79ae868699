"""Every label the admin shows, from one place (GET /api/admin/meta): the admin reads its words here
instead of keeping copies. Cancel reasons come from the current settings (they are editable)."""
from __future__ import annotations

from flask import current_app

from ..adapters.wechat_errors import ERROR_CODES
from ..domain import labels
from ..domain.actors import STAFF_ROLES
from ..domain.after_sales import STATUS_LABELS as AFTER_SALE_STATUS_LABELS, TYPE_LABELS
from ..domain import coupons
from ..domain.complaints import STATE_LABELS as COMPLAINT_STATE_LABELS
from ..domain.invoices import STATUS_LABELS as INVOICE_STATUS_LABELS, InvoiceKind
from ..domain.orders import REFUND_STATUS_LABELS, STATUS_LABELS as ORDER_STATUS_LABELS
from ..domain.permissions import PERMISSIONS
from ..domain.refunds import METHOD_LABELS, REFUND_ACTION_LABELS, REFUND_STATE_LABELS
from . import reviews, settings
from .context import deps
from .reconciliation import MISMATCH_LABELS


def _codes(mapping: dict) -> dict[str, str]:
    """Enum-keyed label maps as plain code -> label."""
    return {getattr(code, "value", code): text for code, text in mapping.items()}


def admin_meta() -> dict:
    policy = deps().policy
    return {
        "order_status": _codes(ORDER_STATUS_LABELS),
        "order_refund_status": _codes(REFUND_STATUS_LABELS),
        "refund_state": _codes(REFUND_STATE_LABELS),
        "refund_method": dict(METHOD_LABELS),
        "request_kind": dict(reviews.KIND_LABELS),
        "request_status": dict(reviews.STATUS_LABELS),
        "after_sale_type": _codes(TYPE_LABELS),
        "after_sale_status": _codes(AFTER_SALE_STATUS_LABELS),
        "complaint_state": dict(COMPLAINT_STATE_LABELS),
        "invoice_status": _codes(INVOICE_STATUS_LABELS),
        "invoice_kind": {kind.value: kind.label for kind in InvoiceKind},
        "coupon_kind": dict(coupons.KIND_LABELS), "coupon_scope": dict(coupons.SCOPE_LABELS),
        "coupon_status": dict(coupons.STATUS_LABELS), "coupon_actions": dict(coupons.TEMPLATE_ACTION_LABELS),
        "actions": {**labels.ACTION_LABELS, **_codes(REFUND_ACTION_LABELS)},
        "permissions": {name: text for name, (_, text) in PERMISSIONS.items()},
        "roles": dict(STAFF_ROLES),
        "settings": dict(settings.LABELS),
        "shopper_cancel_reasons": dict(policy.shopper_cancel_reasons),
        "merchant_cancel_reasons": dict(policy.merchant_cancel_reasons),
        "modification_fields": dict(labels.MODIFICATION_FIELD_LABELS),
        "audit_actions": dict(labels.AUDIT_ACTION_LABELS),
        "reconciliation_status": dict(labels.RECONCILIATION_STATUS_LABELS),
        "reconciliation_mismatch": dict(MISMATCH_LABELS),
        "shop_name": current_app.config.get("SHOP_NAME") or "",
        "wechat_errors": {code: {"label": labels.WECHAT_ERROR_LABELS[code], "retryable": retryable}
                          for code, (retryable, _) in ERROR_CODES.items()},
    }


_VERSIONED: dict[str, dict] = {}


def _versioned(name: str, words: dict) -> dict:
    """{version, words}, built once per process: the version is a hash of the words, so it changes exactly when
    they do (the mini-program and the admin keep the words until then)."""
    if name not in _VERSIONED:
        import hashlib
        import json
        text = json.dumps(words, ensure_ascii=False, sort_keys=True)
        _VERSIONED[name] = {"version": hashlib.sha256(text.encode()).hexdigest()[:16], "words": words}
    return _VERSIONED[name]


def shopper_words() -> dict:
    """The mini-program's words (domain.labels.SHOPPER_WORDS) with their version."""
    return _versioned("shopper", labels.SHOPPER_WORDS)


def staff_words() -> dict:
    """The admin's words (domain.staff_words.STAFF_WORDS) with their version."""
    from ..domain.staff_words import STAFF_WORDS
    return _versioned("staff", STAFF_WORDS)

"""WeChat Pay consumer complaints (消费者投诉2.0, W6): kept in step with WeChat, answered by staff.

- WeChat tells us by notification (COMPLAINT.*, `complaint_notified`) and the cron pulls the complaint list
  as the safety net (`pull_complaints`); either way the complaint is read from WeChat (outside any
  transaction) and stored by `complaint_id`, linked to our order through its out_trade_no.
- Supervisors are alerted 4 hours before a deadline still open (`alert_due`): one `complaint_alerts`
  row per complaint and deadline, counted on the staff to-do list.
- Staff actions (`respond`, `update_refund_progress`, `complete`) go to WeChat first, before any
  transaction: when WeChat refuses, nothing changes here. What WeChat took is then written with its
  audit row in one transaction. Deadlines and buttons: domain/complaints.py.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..adapters.payments import Complaint as WeChatComplaint
from ..adapters.payments import NOT_SUPPORTED_CODE, ComplaintState, NotificationReply
from ..adapters.wechat_errors import InvalidNotification, WeChatError
from ..db import Complaint, ComplaintAlert, Payment
from ..domain import clock
from ..domain import complaints as rules
from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode
from ..domain.permissions import is_allowed
from ..extensions import db
from . import audit
from .context import deps
from .uow import transaction

logger = logging.getLogger("shop.complaints")

NOTIFY_PATH = "/api/wechat/v3/complaint-notify"
PULL_DAYS = 7          # the pull looks this many days back (WeChat allows at most 30 per query)
PULL_PAGE_SIZE = 50    # WeChat's largest page
OPERATE_TYPE_LABELS = {
    "USER_CREATE_COMPLAINT": "用户提交投诉", "USER_CONTINUE_COMPLAINT": "用户继续投诉",
    "USER_RESPONSE": "用户留言", "PLATFORM_RESPONSE": "平台留言", "MERCHANT_RESPONSE": "商户回复",
    "MERCHANT_CONFIRM_COMPLETE": "商户反馈处理完成", "MERCHANT_APPROVE_REFUND": "商户同意退款",
    "MERCHANT_REJECT_REFUND": "商户拒绝退款", "MERCHANT_REFUND_SUCCESS": "退款到账",
    "USER_CANCEL_COMPLAINT": "用户撤诉", "USER_APPLY_PLATFORM_SERVICE": "用户申请平台协助",
    "COMPLAINT_FULL_REFUNDED": "投诉单全额退款",
}


def _facts(row: Complaint) -> rules.ComplaintFacts:
    return rules.ComplaintFacts(row.complaint_time, row.state, row.first_replied_at, row.completed_at)


def _gateway():
    gateway = deps().payments
    if gateway.api != "v3":
        raise DomainError(ErrorCode.COMPLAINTS_UNSUPPORTED)
    return gateway


# -- kept in step with WeChat ---------------------------------------------------------------------


def complaint_notified(body: bytes, headers) -> NotificationReply:
    """POST /api/wechat/v3/complaint-notify: verified by the gateway, then the complaint is read and stored."""
    gateway = deps().payments
    if gateway.api != "v3":
        return gateway.reply(False, "WeChat Pay v3 is not in use here", 404)
    try:
        notice = gateway.parse_complaint_notification(body, headers)
    except InvalidNotification as exc:
        logger.warning("rejected complaint notification", extra={"fields": {"reason": exc.reason}})
        return gateway.reply(False, exc.reason, 400)
    try:
        sync_complaint(notice.complaint_id)
    except WeChatError as exc:  # WeChat sends it again; the pull catches it too
        logger.warning("complaint not read", extra={"fields": {"complaint_id": notice.complaint_id, "code": exc.code}})
        return gateway.reply(False, "投诉详情暂时无法获取", 500)
    return gateway.reply(True)


def sync_complaint(complaint_id: str) -> Complaint:
    """Read one complaint from WeChat (no transaction open) and store it."""
    db.session.rollback()
    return _store(_gateway().get_complaint(complaint_id))


def pull_complaints() -> int:
    """The safety net: every complaint WeChat lists for the last PULL_DAYS days, stored. Returns how many."""
    gateway = deps().payments
    if gateway.api != "v3":
        return 0
    today = clock.to_shanghai(clock.now()).date()
    begin, offset, seen = today - timedelta(days=PULL_DAYS), 0, 0
    db.session.rollback()
    while True:
        page, total = gateway.list_complaints(begin, today, limit=PULL_PAGE_SIZE, offset=offset)
        for item in page:
            _store(item)
        seen += len(page)
        offset += len(page)
        if not page or offset >= total:
            return seen


def _store(item: WeChatComplaint) -> Complaint:
    """Insert or update by complaint_id; WeChat's state only moves forward here."""
    for attempt in range(2):
        try:
            with transaction():
                row = db.session.scalar(select(Complaint).where(Complaint.complaint_id == item.complaint_id))
                if row is None:
                    row = Complaint(complaint_id=item.complaint_id, complaint_time=item.complaint_time,
                                    state=item.state.value)
                    db.session.add(row)
                _apply(row, item)
            return row
        except IntegrityError:  # the notification and the pull stored it at the same moment
            db.session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def _apply(row: Complaint, item: WeChatComplaint) -> None:
    order_id = None
    if item.out_trade_no:
        order_id = db.session.scalar(select(Payment.order_id).where(Payment.out_trade_no == item.out_trade_no))
    row.order_id = order_id or row.order_id
    row.out_trade_no, row.transaction_id, row.amount_fen = item.out_trade_no, item.transaction_id, item.amount_fen
    row.detail = item.detail  # complaint_time is WeChat's and fixed: set when the row is made
    row.problem_description = item.problem_description[:255]
    row.media_urls, row.user_complaint_times = list(item.media_urls), item.user_complaint_times
    order = list(ComplaintState)
    if order.index(item.state) > order.index(ComplaintState(row.state)):
        row.state = item.state.value
    now = clock.now()
    if row.state != "pending" and row.first_replied_at is None:
        row.first_replied_at = now  # replied in WeChat's own merchant console
    if row.state == "processed" and row.completed_at is None:
        row.completed_at = now
    row.synced_at = now


def notify_url() -> str:
    return deps().public_base_url.rstrip("/") + NOTIFY_PATH


def register_notify_url() -> str:
    """Tell WeChat where to send complaint notifications (`flask complaints register-notify-url`)."""
    try:
        return _gateway().register_complaint_notify_url(notify_url())
    except WeChatError as exc:
        raise DomainError(ErrorCode.WECHAT_ERROR, f"投诉通知地址登记失败：{exc.message or exc.code}") from exc


def ensure_notify_url() -> bool:
    """The sweep keeps WeChat's complaint notify URL ours: registered when WeChat holds none or another one.
    True when it had to register."""
    gateway = _gateway()
    if gateway.complaint_notify_url() == notify_url():
        return False
    gateway.register_complaint_notify_url(notify_url())
    return True


# -- alerts ---------------------------------------------------------------------------------------


def alert_due() -> int:
    """Supervisors alerted 4 hours before each open deadline: one alert row per complaint and deadline."""
    now = clock.now()
    horizon = now + rules.ALERT_BEFORE - rules.REPLY_WITHIN
    created = 0
    with transaction():
        rows = db.session.scalars(select(Complaint).where(Complaint.state != "processed",
                                                          Complaint.complaint_time <= horizon)).all()
        have = set(db.session.execute(select(ComplaintAlert.complaint_id, ComplaintAlert.deadline).where(
            ComplaintAlert.complaint_id.in_([r.id for r in rows]))).all()) if rows else set()
        for row in rows:
            for deadline in rules.alerts_due(_facts(row), now):
                if (row.id, deadline.value) in have:
                    continue
                db.session.add(ComplaintAlert(complaint_id=row.id, deadline=deadline.value,
                                              due_at=rules.deadline_at(row.complaint_time, deadline)))
                created += 1
                logger.warning("complaint deadline near", extra={"fields": {
                    "complaint_id": row.complaint_id, "deadline": deadline.value}})
    return created


def sweep() -> dict:
    """The cron's job (every 5 minutes, and at start): keep the notify URL registered, pull the list, then alert."""
    if deps().payments.api != "v3":
        return {"registered": False, "pulled": 0, "alerts": alert_due()}
    registered, pulled = False, None
    try:
        registered = ensure_notify_url()
        pulled = pull_complaints()
    except WeChatError as exc:
        logger.warning("complaint sweep failed", extra={"fields": {"code": exc.code}})
    return {"registered": registered, "pulled": pulled, "alerts": alert_due()}


def _alerted_open_ids():
    """Complaints alerted for a deadline that is still open: the reply one while none was sent, the resolve
    one until complete."""
    return select(ComplaintAlert.complaint_id).join(Complaint, Complaint.id == ComplaintAlert.complaint_id).where(
        Complaint.state != "processed",
        (ComplaintAlert.deadline == rules.Deadline.RESOLVE.value) | (Complaint.state == "pending"))


def todo_counts() -> dict:
    """Complaints waiting for a reply, and those whose alert is raised and deadline still open."""
    awaiting = db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.state == "pending"))
    alerted = db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.id.in_(_alerted_open_ids())))
    return {"complaints": awaiting, "complaints_due_soon": alerted}


# -- staff actions ---------------------------------------------------------------------------------


def _get(complaint_pk: int) -> Complaint:
    row = db.session.get(Complaint, complaint_pk)
    if row is None:
        raise DomainError(ErrorCode.COMPLAINT_NOT_FOUND)
    return row


def actions_for(row: Complaint, role: str) -> list[str]:
    return rules.staff_complaint_actions(_facts(row), may_respond=is_allowed(role, "complaint.respond"),
                                         may_complete=is_allowed(role, "complaint.complete"))


def _allowed(row: Complaint, actor: Actor, action: str) -> None:
    if action not in actions_for(row, actor.role):
        raise DomainError(ErrorCode.COMPLAINT_ACTION_NOT_ALLOWED)


def _snapshot(complaint_pk: int):
    def take() -> dict | None:
        row = db.session.get(Complaint, complaint_pk)
        return None if row is None else {"state": row.state, "first_replied_at": row.first_replied_at,
                                         "completed_at": row.completed_at}
    return take


def _at_wechat(call, *args, **kwargs) -> None:
    """One WeChat call, outside any transaction; its refusal becomes a clear error and changes nothing."""
    db.session.rollback()
    try:
        call(*args, **kwargs)
    except WeChatError as exc:
        if exc.code == NOT_SUPPORTED_CODE:
            raise DomainError(ErrorCode.COMPLAINTS_UNSUPPORTED) from exc
        if exc.retryable:
            raise DomainError(ErrorCode.WECHAT_ERROR) from exc
        raise DomainError(ErrorCode.COMPLAINT_REFUSED_BY_WECHAT,
                          f"微信未受理：{exc.message or exc.code}") from exc


def respond(complaint_pk: int, actor: Actor, text: str) -> Complaint:
    """回复用户 (counts as the first reply for the 24-hour deadline)."""
    row = _get(complaint_pk)
    _allowed(row, actor, "respond")
    problem = rules.check_response(text)
    if problem:
        raise DomainError(ErrorCode.VALIDATION_ERROR, problem, {"text": [problem]})
    complaint_id = row.complaint_id
    _at_wechat(_gateway().respond_complaint, complaint_id, text.strip())
    with audit.action(actor, "complaint.respond", "complaint", complaint_pk, _snapshot(complaint_pk),
                      text=text.strip()):
        with transaction():
            row = _get(complaint_pk)
            row.first_replied_at = row.first_replied_at or clock.now()
            if row.state == "pending":
                row.state = "processing"
    return _get(complaint_pk)


def update_refund_progress(complaint_pk: int, actor: Actor, *, approve: bool, launch_refund_day: int | None = None,
                           reject_reason: str | None = None, remark: str | None = None) -> Complaint:
    """更新退款审批结果: agree (with the working days until the refund goes out) or refuse (with a reason)."""
    row = _get(complaint_pk)
    _allowed(row, actor, "update_refund_progress")
    if approve and (launch_refund_day is None or launch_refund_day < 0):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "同意退款时请填写预计几个工作日内发起退款（0 为当天）",
                          {"launch_refund_day": ["必填"]})
    if not approve and not (reject_reason or "").strip():
        raise DomainError(ErrorCode.VALIDATION_ERROR, "拒绝退款时请填写原因", {"reject_reason": ["必填"]})
    _at_wechat(_gateway().update_complaint_refund, row.complaint_id, approve=approve,
               launch_refund_day=launch_refund_day if approve else None,
               reject_reason=None if approve else reject_reason.strip(), remark=(remark or "").strip() or None)
    with audit.action(actor, "complaint.update_refund_progress", "complaint", complaint_pk, _snapshot(complaint_pk),
                      approve=approve, launch_refund_day=launch_refund_day, reject_reason=reject_reason,
                      remark=remark):
        with transaction():
            _get(complaint_pk).synced_at = clock.now()
    return _get(complaint_pk)


def complete(complaint_pk: int, actor: Actor) -> Complaint:
    """反馈处理完成 (supervisors): meets the 72-hour deadline."""
    row = _get(complaint_pk)
    _allowed(row, actor, "complete")
    _at_wechat(_gateway().complete_complaint, row.complaint_id)
    with audit.action(actor, "complaint.complete", "complaint", complaint_pk, _snapshot(complaint_pk)):
        with transaction():
            row = _get(complaint_pk)
            row.state, row.completed_at = "processed", clock.now()
    return _get(complaint_pk)


# -- reading ----------------------------------------------------------------------------------------


def complaint_json(row: Complaint, role: str, now=None) -> dict:
    now = now or clock.now()
    facts = _facts(row)
    return {"id": row.id, "complaint_id": row.complaint_id, "order_id": row.order_id,
            "out_trade_no": row.out_trade_no, "transaction_id": row.transaction_id, "amount_fen": row.amount_fen,
            "complaint_time": row.complaint_time, "state": row.state,
            "state_label": rules.STATE_LABELS.get(row.state, row.state), "detail": row.detail,
            "problem_description": row.problem_description, "media_urls": list(row.media_urls or []),
            "user_complaint_times": row.user_complaint_times, "first_replied_at": row.first_replied_at,
            "completed_at": row.completed_at,
            "deadlines": [rules.deadline_view(facts, d, now) for d in rules.Deadline],
            "actions": actions_for(row, role)}


def list_complaints(*, state: str | None = None, due_soon: bool = False, q: str | None = None,
                    page: int = 1, per_page: int = 20, role: str) -> tuple[list[dict], int]:
    query = select(Complaint)
    if state:
        query = query.where(Complaint.state == state)
    if due_soon:
        query = query.where(Complaint.id.in_(_alerted_open_ids()))
    if q:
        query = query.where((Complaint.complaint_id == q.strip()) | (Complaint.out_trade_no == q.strip()))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Complaint.complaint_time.desc(), Complaint.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    now = clock.now()
    return [complaint_json(r, role, now) for r in rows], total


def negotiation_history(complaint_pk: int) -> dict:
    """WeChat's 协商历史, read now (outside any transaction); when WeChat cannot answer, say so."""
    complaint_id = _get(complaint_pk).complaint_id
    db.session.rollback()
    try:
        entries = _gateway().complaint_history(complaint_id)
    except WeChatError:
        return {"items": None, "error": "暂时无法获取微信协商历史，请稍后刷新"}
    return {"items": [{"log_id": e.log_id, "operator": e.operator, "operate_time": e.operate_time,
                       "operate_type": e.operate_type,
                       "operate_type_label": OPERATE_TYPE_LABELS.get(e.operate_type, e.operate_type),
                       "details": e.details, "media_urls": list(e.media_urls)} for e in entries], "error": None}


def get_complaint(complaint_pk: int) -> Complaint:
    return _get(complaint_pk)

"""WeChat Pay consumer complaints (消费者投诉2.0, W6): WeChat's deadlines, when supervisors are alerted,
and which buttons a staff member gets. Plain rules; the service applies them.

WeChat's deadlines run from the complaint's time: the merchant's first reply within 24 hours, the
complaint resolved (marked complete) within 72 hours; otherwise WeChat may pay the shopper back out
of the merchant's account. Supervisors are alerted 4 hours before each deadline still open."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

REPLY_WITHIN = timedelta(hours=24)
RESOLVE_WITHIN = timedelta(hours=72)
ALERT_BEFORE = timedelta(hours=4)
MAX_RESPONSE_LENGTH = 200  # WeChat's limit on a reply

STATE_LABELS = {"pending": "待回复", "processing": "处理中", "processed": "已处理完成"}


class Deadline(str, Enum):
    REPLY = "reply"      # first reply within 24 h
    RESOLVE = "resolve"  # marked complete within 72 h


DEADLINE_LABELS = {Deadline.REPLY: "首次回复", Deadline.RESOLVE: "处理完成"}


@dataclass(frozen=True)
class ComplaintFacts:
    complaint_time: datetime
    state: str                       # pending / processing / processed (WeChat's complaint_state)
    first_replied_at: datetime | None
    completed_at: datetime | None


def deadline_at(complaint_time: datetime, deadline: Deadline) -> datetime:
    return complaint_time + (REPLY_WITHIN if deadline == Deadline.REPLY else RESOLVE_WITHIN)


def is_met(facts: ComplaintFacts, deadline: Deadline) -> bool:
    if deadline == Deadline.REPLY:
        return facts.first_replied_at is not None or facts.state != "pending"
    return facts.completed_at is not None or facts.state == "processed"


def open_deadlines(facts: ComplaintFacts) -> list[Deadline]:
    return [d for d in Deadline if not is_met(facts, d)]


def alerts_due(facts: ComplaintFacts, now: datetime) -> list[Deadline]:
    """Deadlines still open that are 4 hours away or less (or already passed)."""
    return [d for d in open_deadlines(facts) if now >= deadline_at(facts.complaint_time, d) - ALERT_BEFORE]


def countdown_label(deadline: datetime, now: datetime) -> str:
    """还剩 3小时20分 / 已超时 1小时5分 (whole minutes, rounded down)."""
    seconds = int((deadline - now).total_seconds())
    prefix = "还剩" if seconds >= 0 else "已超时"
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    text = (f"{days}天" if days else "") + (f"{hours}小时" if days or hours else "") + f"{minutes}分"
    return f"{prefix} {text}"


def deadline_view(facts: ComplaintFacts, deadline: Deadline, now: datetime) -> dict:
    due = deadline_at(facts.complaint_time, deadline)
    met = is_met(facts, deadline)
    return {"kind": deadline.value, "label": DEADLINE_LABELS[deadline], "due_at": due, "met": met,
            "overdue": not met and now > due, "alert": not met and now >= due - ALERT_BEFORE,
            "countdown": "已完成" if met else countdown_label(due, now)}


def staff_complaint_actions(facts: ComplaintFacts, *, may_respond: bool, may_complete: bool) -> list[str]:
    """Customer service answers (reply, refund progress); supervisors also mark it complete (after a reply)."""
    if facts.state == "processed" or not may_respond:
        return []
    actions = ["respond", "update_refund_progress"]
    if may_complete and is_met(facts, Deadline.REPLY):
        actions.append("complete")
    return actions


def check_response(text: str) -> str | None:
    """The problem with a reply's text, in Chinese, or None."""
    if not text or not text.strip():
        return "请填写回复内容"
    if len(text.strip()) > MAX_RESPONSE_LENGTH:
        return f"回复内容不能超过{MAX_RESPONSE_LENGTH}个字"
    return None

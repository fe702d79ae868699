"""W6: WeChat's complaint deadlines (first reply 24 h, resolved 72 h), the 4-hour alert, countdowns and buttons."""
from datetime import datetime, timedelta, timezone

from shop.domain.complaints import (ComplaintFacts, Deadline, alerts_due, check_response, countdown_label,
                                    deadline_at, deadline_view, staff_complaint_actions)

FILED = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def facts(state="pending", replied=None, completed=None):
    return ComplaintFacts(FILED, state, replied, completed)


def test_deadlines_run_from_the_complaint_time():
    assert deadline_at(FILED, Deadline.REPLY) == FILED + timedelta(hours=24)
    assert deadline_at(FILED, Deadline.RESOLVE) == FILED + timedelta(hours=72)


def test_alerts_come_four_hours_before_each_open_deadline():
    assert alerts_due(facts(), FILED + timedelta(hours=19, minutes=59)) == []
    assert alerts_due(facts(), FILED + timedelta(hours=20)) == [Deadline.REPLY]
    replied = facts("processing", replied=FILED + timedelta(hours=1))
    assert alerts_due(replied, FILED + timedelta(hours=67)) == []
    assert alerts_due(replied, FILED + timedelta(hours=68)) == [Deadline.RESOLVE]
    assert alerts_due(facts("processed", FILED, FILED), FILED + timedelta(hours=100)) == []


def test_countdowns_read_as_chinese_text():
    assert countdown_label(FILED + timedelta(hours=3, minutes=20, seconds=59), FILED) == "还剩 3小时20分"
    assert countdown_label(FILED + timedelta(days=2, hours=23), FILED) == "还剩 2天23小时0分"
    assert countdown_label(FILED - timedelta(hours=1, minutes=5), FILED) == "已超时 1小时5分"
    view = deadline_view(facts(), Deadline.REPLY, FILED + timedelta(hours=25))
    assert (view["overdue"], view["alert"], view["countdown"]) == (True, True, "已超时 1小时0分")
    assert deadline_view(facts("processing", FILED), Deadline.REPLY, FILED)["countdown"] == "已完成"


def test_customer_service_answers_supervisors_also_complete_after_a_reply():
    assert staff_complaint_actions(facts(), may_respond=True, may_complete=False) == ["respond",
                                                                                     "update_refund_progress"]
    assert "complete" not in staff_complaint_actions(facts(), may_respond=True, may_complete=True)
    replied = facts("processing", FILED)
    assert staff_complaint_actions(replied, may_respond=True, may_complete=True)[-1] == "complete"
    assert staff_complaint_actions(replied, may_respond=False, may_complete=False) == []
    assert staff_complaint_actions(facts("processed", FILED, FILED), may_respond=True, may_complete=True) == []


def test_a_reply_is_one_to_two_hundred_characters():
    assert check_response("  ") == "请填写回复内容"
    assert check_response("长" * 201) == "回复内容不能超过200个字"
    assert check_response("您好，已退款") is None

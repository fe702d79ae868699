"""WeChat Pay consumer complaints (消费者投诉2.0, APIv3 only): the complaints shoppers file about a
payment, the merchant's replies, refund-progress updates and completion, WeChat's negotiation
history (协商历史), and the complaint notification (COMPLAINT.CREATE) to the merchant's registered
complaint notify URL.

Rules as WeChat applies them: PENDING until the merchant's first reply (then PROCESSING), PROCESSED
once marked complete, which needs a reply first and can happen once; a reply is 1-200 characters.
Kept in the sandbox's store (kinds `complaint` and `complaint_notify_url`), so a restart forgets nothing."""
from __future__ import annotations

import json
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime

from .clock import SHANGHAI, utcnow
from .store import Store, load
from .v3_resources import _notification, rfc3339

MAX_RESPONSE_LENGTH = 200


class ComplaintError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class Complaint:
    DATETIMES = ("complaint_time",)

    complaint_id: str
    out_trade_no: str
    transaction_id: str | None
    amount: int
    openid: str
    complaint_detail: str
    complaint_time: datetime = field(default_factory=utcnow)
    complaint_state: str = "PENDING"
    problem_description: str = "其他问题"
    user_complaint_times: int = 1
    media_urls: list = field(default_factory=list)
    # The merchant's side, as the control API shows it.
    responses: list = field(default_factory=list)         # [{"content", "at"}]
    refund_progress: list = field(default_factory=list)   # [{"action", "launch_refund_day", "reject_reason", ...}]
    completed_at: str | None = None
    history: list = field(default_factory=list)           # negotiation history entries, WeChat's shape

    def as_json(self) -> dict:
        data = asdict(self)
        data["complaint_time"] = self.complaint_time.isoformat()
        return data


class ComplaintBook:
    def __init__(self, config: dict, notifier, store: Store | None = None, v3_keys=None):
        self.config = config
        self.notifier = notifier
        self.store = store or Store(None)
        self.v3_keys = v3_keys
        self.lock = threading.RLock()
        self.complaints: dict[str, Complaint] = {}
        self.notify_url: str | None = None
        with self.lock:
            for text in self.store.rows("complaint"):
                complaint = load(Complaint, text)
                self.complaints[complaint.complaint_id] = complaint
            urls = self.store.rows("complaint_notify_url")
            self.notify_url = json.loads(urls[0])["url"] if urls else None

    def reset(self):
        with self.lock:
            self.complaints.clear()
            self.notify_url = None

    def _save(self, complaint: Complaint):
        self.store.save("complaint", complaint.complaint_id, complaint)

    def _log(self, complaint: Complaint, operator: str, operate_type: str, details: str):
        complaint.history.append({"log_id": f"{complaint.complaint_id}-{len(complaint.history) + 1}",
                                  "operator": operator, "operate_time": rfc3339(utcnow()),
                                  "operate_type": operate_type, "operate_details": details,
                                  "complaint_media_list": []})

    # -- the shopper (control API) -----------------------------------------------------------

    def file(self, payment, text: str, media_urls: list | None = None) -> Complaint:
        """A shopper complains about a paid order; the notification goes to the registered URL."""
        if payment.transaction_id is None:
            raise ComplaintError("INVALID_REQUEST", "only a paid order can be complained about")
        with self.lock:
            now = utcnow()
            complaint = Complaint(
                complaint_id="2002" + now.astimezone(SHANGHAI).strftime("%Y%m%d") + "".join(
                    secrets.choice("0123456789") for _ in range(15)),
                out_trade_no=payment.out_trade_no, transaction_id=payment.transaction_id,
                amount=payment.total_fee, openid=payment.openid, complaint_detail=text, complaint_time=now,
                user_complaint_times=1 + sum(1 for c in self.complaints.values() if c.openid == payment.openid),
                media_urls=list(media_urls or []))
            self._log(complaint, "用户", "USER_CREATE_COMPLAINT", text)
            self.complaints[complaint.complaint_id] = complaint
            self._save(complaint)
            url = self.notify_url
        if url and self.v3_keys is not None:
            body = _notification(self.v3_keys.apiv3_key, "COMPLAINT.CREATE", "产生新投诉", "complaint",
                                 {"complaint_id": complaint.complaint_id, "action_type": "CREATE_COMPLAINT"})
            self.notifier.deliver("complaint_notify", url, body, {"complaint_id": complaint.complaint_id}, api="v3")
        return complaint

    # -- the merchant (v3 endpoints) ---------------------------------------------------------

    def get(self, complaint_id: str) -> Complaint:
        with self.lock:
            complaint = self.complaints.get(complaint_id)
        if complaint is None:
            raise ComplaintError("RESOURCE_NOT_EXISTS", "投诉单不存在")
        return complaint

    def between(self, begin, end) -> list[Complaint]:
        """Complaints filed on Beijing dates begin..end, newest first."""
        with self.lock:
            found = [c for c in self.complaints.values()
                     if begin <= c.complaint_time.astimezone(SHANGHAI).date() <= end]
        return sorted(found, key=lambda c: c.complaint_time, reverse=True)

    def respond(self, complaint_id: str, content: str) -> Complaint:
        if not 1 <= len(content) <= MAX_RESPONSE_LENGTH:
            raise ComplaintError("PARAM_ERROR", f"response_content 须为 1-{MAX_RESPONSE_LENGTH} 个字符")
        with self.lock:
            complaint = self.get(complaint_id)
            if complaint.complaint_state == "PROCESSED":
                raise ComplaintError("INVALID_REQUEST", "投诉单已处理完成，不能再回复")
            complaint.responses.append({"content": content, "at": utcnow().isoformat()})
            complaint.complaint_state = "PROCESSING"
            self._log(complaint, "商户", "MERCHANT_RESPONSE", content)
            self._save(complaint)
            return complaint

    def update_refund(self, complaint_id: str, update: dict) -> Complaint:
        with self.lock:
            complaint = self.get(complaint_id)
            if complaint.complaint_state == "PROCESSED":
                raise ComplaintError("INVALID_REQUEST", "投诉单已处理完成，不能更新退款进度")
            complaint.refund_progress.append({**update, "at": utcnow().isoformat()})
            approved = update["action"] == "APPROVE"
            self._log(complaint, "商户", "MERCHANT_APPROVE_REFUND" if approved else "MERCHANT_REJECT_REFUND",
                      update.get("remark") or update.get("reject_reason") or "")
            self._save(complaint)
            return complaint

    def complete(self, complaint_id: str) -> Complaint:
        with self.lock:
            complaint = self.get(complaint_id)
            if complaint.complaint_state == "PROCESSED":
                raise ComplaintError("INVALID_REQUEST", "投诉单已处理完成")
            if not complaint.responses:
                raise ComplaintError("INVALID_REQUEST", "请先回复用户，再反馈处理完成")
            complaint.complaint_state = "PROCESSED"
            complaint.completed_at = utcnow().isoformat()
            self._log(complaint, "商户", "MERCHANT_CONFIRM_COMPLETE", "商户反馈处理完成")
            self._save(complaint)
            return complaint

    def register(self, url: str) -> str:
        with self.lock:
            self.notify_url = url
            self.store.save("complaint_notify_url", "url", json.dumps({"url": url}))
        return url

    def snapshot(self) -> list[dict]:
        with self.lock:
            return [c.as_json() for c in self.complaints.values()]


def complaint_json(complaint: Complaint, config: dict) -> dict:
    """The complaint as WeChat's list and detail endpoints show it (payer_phone left out: optional,
    encrypted with the merchant's key in real WeChat)."""
    return {
        "complaint_id": complaint.complaint_id,
        "complaint_time": rfc3339(complaint.complaint_time),
        "complaint_detail": complaint.complaint_detail,
        "complaint_state": complaint.complaint_state,
        "complainted_mchid": config["mch_id"],
        "complaint_order_info": [{"transaction_id": complaint.transaction_id,
                                  "out_trade_no": complaint.out_trade_no, "amount": complaint.amount}],
        "complaint_media_list": ([{"media_type": "USER_COMPLAINT_IMAGE", "media_url": list(complaint.media_urls)}]
                                 if complaint.media_urls else []),
        "complaint_full_refunded": False,
        "incoming_user_response": False,
        "problem_description": complaint.problem_description,
        "user_complaint_times": complaint.user_complaint_times,
        "problem_type": "OTHERS",
    }

"""One server source for every Chinese word the admin shows (issue 12 item 2): GET /api/admin/meta."""
import re

from shop.adapters.wechat_errors import ERROR_CODES
from shop.domain.permissions import PERMISSIONS
from shop.services.settings import LABELS as SETTING_LABELS
from support.staff import ROLES, Staff

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_label_staff_meet_is_chinese_and_comes_from_meta(client):
    meta = Staff(client, "warehouse").ok("GET", "/meta")

    assert meta["order_status"]["paid"] == "待发货"
    assert set(meta["permissions"]) == set(PERMISSIONS)
    assert set(meta["roles"]) == set(ROLES)
    assert set(meta["settings"]) == set(SETTING_LABELS)
    assert meta["audit_actions"]["order.ship"] == "订单发货"
    assert meta["modification_fields"]["receiver_phone"] == "联系电话"
    assert meta["reconciliation_status"]["matched"] == "一致"
    assert meta["shopper_cancel_reasons"]["changed_mind"] == "改变主意"
    assert HAN.search(meta.pop("shop_name"))  # the one plain value: the shop's own name, for printed slips
    for group, labels in meta.items():
        for code, text in labels.items():
            text = text["label"] if group == "wechat_errors" else text
            assert HAN.search(text), (group, code, text)


def test_every_wechat_error_code_has_an_explanation_finance_can_act_on(client):
    errors = Staff(client, "finance").ok("GET", "/meta")["wechat_errors"]

    assert set(errors) == set(ERROR_CODES)
    assert errors["NOTENOUGH"] == {"label": errors["NOTENOUGH"]["label"], "retryable": False}
    assert "充值" in errors["NOTENOUGH"]["label"]
    assert errors["SYSTEMERROR"]["retryable"] is True


def test_the_cancel_reasons_follow_the_settings(client):
    admin = Staff(client, "admin")
    reasons = {**admin.ok("GET", "/meta")["merchant_cancel_reasons"], "price_error": "标价错误"}
    admin.ok("PUT", "/settings", {"merchant_cancel_reasons": reasons})

    assert admin.ok("GET", "/meta")["merchant_cancel_reasons"]["price_error"] == "标价错误"


def test_meta_needs_a_signed_in_staff_member(client):
    assert client.get("/api/admin/meta").status_code == 401


def test_every_setting_on_the_settings_page_has_a_chinese_label_without_units_the_page_converts(client):
    items = Staff(client, "admin").ok("GET", "/settings")["items"]

    assert items and all(item["label"] != item["key"] and HAN.search(item["label"]) for item in items), \
        [item["key"] for item in items if item["label"] == item["key"]]
    # Amounts in fen are typed in 元 on the page: their labels name no unit.
    assert not [item["label"] for item in items if item["key"].endswith("_fen") and "分" in item["label"]]

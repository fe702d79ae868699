"""Refund rules as data (A6) through the admin's 设置 → 售后规则 and the shopper's after-sales API: each
automatic decision names the rule that made it; a flagged shopper never matches."""
from sqlalchemy import select

from shop.db import Product
from shop.domain.actors import Actor
from shop.extensions import db
from shop.services import refunds, risk
from support.shop import Shopper as ShopperClient
from support.shop import first_sku_id
from support.staff import Staff
from test_after_sales import apply, received_order

ADMIN = Actor.staff(1, "管理员", "admin")


def category_of_first_sku() -> int:
    from shop.db import Sku
    return db.session.scalar(select(Product.category_id).join(Sku, Sku.product_id == Product.id)
                             .where(Sku.id == first_sku_id()))


def add_rule(client, **rule) -> dict:
    reply = Staff(client, "admin").post("/after-sale-rules", rule)
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()["items"][-1]


def test_the_editor_lists_rules_with_chinese_options_and_refuses_a_bad_rule_in_chinese(client):
    admin = Staff(client, "admin")
    body = admin.ok("GET", "/after-sale-rules")
    assert body["items"] == []
    assert {o["value"]: o["label"] for o in body["options"]["effects"]}["instant_refund"] == "极速退款"
    assert "used" not in [o["value"] for o in body["options"]["reasons"]]  # disputed: a person decides (R5)
    assert body["options"]["categories"]

    refused = admin.post("/after-sale-rules", {"name": "所有人极速退款", "effect": "instant_refund", "trust": "any",
                                               "max_amount_fen": 1000})
    assert refused.status_code == 422 and "极速退款" in refused.get_json()["error"]["message"]

    created = add_rule(client, name="小额自动同意", effect="auto_approve", max_amount_fen=2000, stages=["unshipped"])
    assert created["summary"] == "自动同意 · 未发货 · ≤ ¥20.00 · 所有顾客"
    changed = admin.ok("PUT", f"/after-sale-rules/{created['id']}",
                       {"name": "小额自动同意", "effect": "auto_approve", "max_amount_fen": 3000, "enabled": False})
    assert changed["items"][0]["max_amount_fen"] == 3000 and changed["items"][0]["enabled"] is False
    assert admin.ok("DELETE", f"/after-sale-rules/{created['id']}")["items"] == []
    assert admin.call("DELETE", f"/after-sale-rules/{created['id']}").status_code == 404
    # the rules have their own editor: the generic settings neither list nor take them
    assert "after_sale_rules" not in [s["key"] for s in admin.ok("GET", "/settings")["items"]]
    assert admin.call("PUT", "/settings", {"after_sale_rules": []}).status_code == 422


def test_an_instant_refund_pays_a_trusted_shoppers_delivered_refund_only_case_at_once(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    risk.allow_list(alice.user["id"], ADMIN)
    add_rule(client, name="白名单极速退款", effect="instant_refund", trust="allow_listed", max_amount_fen=50000)

    reply = apply(alice, order, type_="refund_only", reason="not_wanted")
    assert reply.status_code == 201, reply.get_json()
    case = reply.get_json()
    assert case["status"] == "completed" and case["refund"]["amount_fen"] == case["amount_fen"]
    assert case["auto_rule"]["name"] == "白名单极速退款" and case["auto_rule"]["effect_label"] == "极速退款"
    assert case["messages"][-1]["text"] == "商家同意了售后申请：按规则「白名单极速退款」自动同意"

    staff_view = Staff(client, "supervisor").ok("GET", f"/after-sales/{case['id']}")
    assert staff_view["auto_rule"]["name"] == "白名单极速退款"
    assert "按规则「白名单极速退款」自动同意" in [e.get("reason") for e in staff_view["summary"]["timeline"]]
    # what the worker does the moment the case commits: WeChat has the refund, for the whole amount
    assert refunds.submit_refund(case["refund"]["id"]) in ("processing", "succeeded")
    paid_out = [r for r in sandbox.listing("refunds") if r["out_refund_no"] == case["refund"]["out_refund_no"]]
    assert len(paid_out) == 1


def test_no_return_needed_for_a_chosen_category_turns_a_return_into_a_refund_the_shopper_keeps_the_goods(
        client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    add_rule(client, name="生鲜无需退货", effect="no_return", category_ids=[category_of_first_sku()])

    case = apply(alice, order, type_="return_refund", reason="damaged").get_json()
    assert case["status"] == "completed" and case["type"] == "refund_only" and case["return_address"] is None
    assert case["auto_rule"]["name"] == "生鲜无需退货" and case["refund"]["amount_fen"] == case["amount_fen"]


def test_a_flagged_shopper_never_matches_a_rule_and_waits_for_a_person(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    add_rule(client, name="全部自动同意", effect="auto_approve")
    risk.flag(alice.user["id"], ADMIN, "频繁退款")

    case = apply(alice, order, type_="return_refund", reason="no_reason").get_json()
    assert case["status"] == "pending" and case["auto_rule"] is None
    assert 47 * 3600 < case["deadline_seconds"] <= 48 * 3600  # staff's reply clock, by the server's time
    summary = Staff(client, "supervisor").ok("GET", f"/after-sales/{case['id']}")["summary"]
    assert "顾客在重点监控名单" in summary["automatic_approval_blockers"]


def test_a_rule_by_history_needs_enough_completed_orders(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)  # one completed order
    add_rule(client, name="老顾客自动同意", effect="auto_approve", trust="history", min_completed_orders=2)
    case = apply(alice, order, type_="return_refund").get_json()
    assert case["status"] == "pending"

    bob = ShopperClient(client, "bob")
    received_order(bob, sandbox)
    second = received_order(bob, sandbox)
    case = apply(bob, second, type_="return_refund").get_json()
    assert case["status"] == "awaiting_return" and case["auto_rule"]["name"] == "老顾客自动同意"


def test_the_built_in_rule_is_recorded_too(client, sandbox):
    from test_after_sales import paid_order
    alice = ShopperClient(client)
    case = apply(alice, paid_order(alice, sandbox), type_="refund_only", reason="not_wanted").get_json()
    assert case["status"] == "completed" and case["auto_rule"]["name"] == "未发货仅退款（系统默认）"


def test_a_case_the_timeout_setting_approves_records_that_setting_as_its_rule(client, sandbox):
    from datetime import timedelta

    from shop.domain import clock
    from shop.services import after_sales
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    Staff(client, "admin").ok("PUT", "/settings", {"after_sale_timeout_auto_approve": True})
    case = apply(alice, order, type_="return_refund", reason="no_reason").get_json()
    clock.advance(timedelta(hours=49))
    assert after_sales.escalate_overdue()["approved"] == 1
    approved = alice.get(f"/after-sales/{case['id']}").get_json()
    assert approved["status"] == "awaiting_return" and approved["auto_rule"]["id"] == -1
    assert approved["auto_rule"]["text"] == "按规则「商家超时未处理（设置：售后超时自动同意）」自动同意"

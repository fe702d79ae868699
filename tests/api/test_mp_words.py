"""The mini-program's words come from the server (issue 12): the order list's tabs with their counts, the after-sales
types an order may have with their hints, and one dictionary of page words (GET /api/mp/words, public, ETag)."""
import json
from pathlib import Path

from shop.domain import labels
from shop.domain.after_sales import TYPE_HINTS, TYPE_LABELS, AfterSaleType
from support.orders import paid_order
from support.shop import Shopper
from test_after_sales import received_order

# The words the mini-program's page tests are served (tests/support/mock-api.js): the server's, exactly.
MINIPROGRAM_WORDS = Path(__file__).resolve().parents[2] / "miniprogram" / "tests" / "support" / "words.json"


def test_words_are_public_versioned_and_answer_304_when_unchanged(client):
    reply = client.get("/api/mp/words")
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["words"] == labels.SHOPPER_WORDS
    assert body["words"]["order_list"]["title"] == "我的订单" and body["words"]["toast"]["paid"] == "支付成功"
    assert reply.headers["ETag"] == f'"{body["version"]}"' and "public" in reply.headers["Cache-Control"]
    again = client.get("/api/mp/words", headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    other = client.get("/api/mp/words", headers={"If-None-Match": '"an-old-version"'})
    assert other.status_code == 200 and other.get_json() == body


def test_every_word_is_chinese_text_and_placeholders_are_named():
    for group, words in labels.SHOPPER_WORDS.items():
        for key, text in words.items():
            assert isinstance(text, str) and text.strip(), (group, key)
            assert "{}" not in text, (group, key)


def test_the_miniprogram_page_tests_are_served_the_servers_words(client):
    served = client.get("/api/mp/words").get_json()
    assert json.loads(MINIPROGRAM_WORDS.read_text(encoding="utf-8")) == served, \
        ("miniprogram/tests/support/words.json differs from GET /api/mp/words: rewrite it from the server's answer: "
         "PYTHONPATH=backend .venv/bin/python scripts/word_fixtures.py")


def test_the_order_list_sends_its_tabs_with_words_and_counts(client, sandbox):
    alice = Shopper(client)
    alice.order()
    paid_order(alice, sandbox)
    body = alice.get("/orders").get_json()
    assert [t["key"] for t in body["tabs"]] == list(labels.SHOPPER_ORDER_TABS)
    assert [t["label"] for t in body["tabs"]] == list(labels.SHOPPER_ORDER_TABS.values())
    counts = {t["key"]: t["count"] for t in body["tabs"]}
    assert counts == {**{key: 0 for key in labels.SHOPPER_ORDER_TABS}, "all": 2, "pending_payment": 1, "paid": 1}
    assert counts == {key: body["counts"].get(key, 0) for key in counts}
    filtered = alice.get("/orders?status=paid").get_json()
    assert filtered["tabs"] == body["tabs"] and len(filtered["items"]) == 1


def test_after_sale_options_offer_only_refund_only_before_the_goods_arrive(client, sandbox):
    alice = Shopper(client)
    unpaid = alice.order()
    nothing = alice.get(f"/orders/{unpaid['id']}/after-sale-options").get_json()
    assert nothing["types"] == [] and nothing["note"] == "订单待付款，不能申请售后"

    paid = paid_order(alice, sandbox)
    options = alice.get(f"/orders/{paid['id']}/after-sale-options").get_json()
    assert options["types"] == [{"code": "refund_only", "label": "仅退款", "hint": TYPE_HINTS[AfterSaleType.REFUND_ONLY]}]
    assert options["note"] == "订单未发货，只能申请仅退款"
    assert [r["code"] for r in options["reasons"]][:2] == ["no_reason", "not_wanted"]
    refused = alice.post(f"/orders/{paid['id']}/after-sales", {
        "type": "return_refund", "reason_code": "not_wanted",
        "lines": [{"line_id": paid["items"][0]["id"], "quantity": 1}]})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == options["note"]

    received = received_order(alice, sandbox)
    every = alice.get(f"/orders/{received['id']}/after-sale-options").get_json()
    assert [(t["code"], t["label"], t["hint"]) for t in every["types"]] == [
        (t.value, label, TYPE_HINTS[t]) for t, label in TYPE_LABELS.items()]
    assert every["note"] == ""


def test_after_sale_options_are_the_shoppers_own(client, sandbox):
    order = Shopper(client).order()
    assert Shopper(client, "bob").get(f"/orders/{order['id']}/after-sale-options").status_code == 404

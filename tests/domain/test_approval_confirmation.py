"""What 同意 on a request says it refunds, and where the money goes (issue 12 item 7)."""
from shop.domain.balance import original_route_parts
from shop.domain.labels import approve_confirmation


def test_an_original_route_refund_goes_to_wechat_first_then_to_the_balance():
    assert original_route_parts(5000, 0, 8000, 0) == [("wechat", 5000)]
    assert original_route_parts(5000, 3000, 5000, 2000) == [("wechat", 3000), ("balance", 2000)]
    assert original_route_parts(5000, 8000, 0, 0) == [("balance", 5000)]
    assert original_route_parts(0, 3000, 5000, 0) == []


def test_the_confirmation_names_the_amount_and_each_route():
    split = [("wechat", 3000), ("balance", 2000)]
    assert approve_confirmation("cancel", "取消申请", 500000, [("wechat", 500000)]) == \
        "确认同意该取消申请？同意后订单将取消，并退款 ¥5000.00，原路退回微信支付。"
    assert approve_confirmation("after_sale", "售后申请", 5000, split, "refund_only", "仅退款") == \
        "确认同意该售后申请（仅退款）？同意后立即退款 ¥50.00：¥30.00 原路退回微信支付，¥20.00 原路退回账户余额。"
    assert approve_confirmation("modify", "修改申请", 0, []) == "确认同意该修改申请？同意后按申请修改订单，不涉及退款。"
    assert approve_confirmation("after_sale", "售后申请", None, [], "exchange", "换货") == \
        "确认同意该售后申请（换货）？同意后请顾客寄回商品，不涉及退款。"

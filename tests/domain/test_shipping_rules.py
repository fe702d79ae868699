"""W4 rules: carriers, descriptions and masks as WeChat wants them; one correction per payment."""
import pytest

from shop.domain.errors import DomainError, ErrorCode
from shop.domain.shipping import carrier_code, ensure_correctable, item_description, mask_phone

WECHAT = [{"code": "SF", "name": "顺丰速运"}, {"code": "YUNDA", "name": "韵达速递"}, {"code": "EMS", "name": "EMS"}]


@pytest.mark.parametrize("typed, code", [("SF", "SF"), ("顺丰速运", "SF"), ("顺丰", "SF"), ("韵达快递", "YUNDA"),
                                         ("EMS", "EMS"), ("小马快递", None), ("", None)])
def test_the_carrier_staff_chose_is_found_in_wechats_list(typed, code):
    assert carrier_code(typed, WECHAT) == code


def test_phones_are_masked_with_the_last_four_digits_visible():
    assert mask_phone("13800138000") == "138****8000"


def test_item_description_lists_goods_within_120_characters():
    assert item_description([("保温杯", 2), ("杯套", 1)]) == "保温杯*2；杯套*1"
    assert len(item_description([("很长的商品名称" * 10, 1)] * 3)) == 120


def test_a_second_correction_is_refused():
    ensure_correctable(["order"])
    with pytest.raises(DomainError) as caught:
        ensure_correctable(["order", "correction"])
    assert caught.value.code is ErrorCode.SHIPMENT_CORRECTION_USED

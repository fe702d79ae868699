from wechat_sandbox import signing
from wechatpy.pay.utils import calculate_signature


def test_md5_signature_matches_wechat_pay_published_example():
    # From WeChat Pay's "安全规范" page (签名算法, 举例).
    params = {"appid": "wxd930ea5d5a258f4f", "mch_id": "10000100", "device_info": "1000",
              "body": "test", "nonce_str": "ibuaiVcKdpRxkhJA"}
    key = "192006250b4c09247ec02edce69f6a2d"

    assert signing.string_to_sign(params, key) == (
        "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100"
        "&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d")
    assert signing.sign(params, key) == "9A0A8659F005D6984697E2CA0A9CF3B7"
    assert calculate_signature(params, key) == "9A0A8659F005D6984697E2CA0A9CF3B7"


def test_empty_values_and_the_sign_itself_are_left_out_of_the_signature():
    key = "192006250b4c09247ec02edce69f6a2d"
    params = {"appid": "wxd930ea5d5a258f4f", "body": "test"}

    assert signing.sign({**params, "attach": "", "sign": "X"}, key) == signing.sign(params, key)


def test_changed_value_breaks_the_signature():
    key = "k" * 32
    params = {"total_fee": "100", "out_trade_no": "T1"}
    params["sign"] = signing.sign(params, key)

    assert signing.is_signed(params, key)
    assert not signing.is_signed({**params, "total_fee": "1"}, key)


def test_refund_info_round_trips_through_aes_256_ecb():
    key = "sandboxapikeysandboxapikey123456"
    inner = "<root><out_refund_no>R1</out_refund_no></root>"

    assert signing.decrypt_refund_info(signing.encrypt_refund_info(inner, key), key) == inner

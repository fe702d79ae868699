import pytest

from shop.config import ConfigError, load_config


def test_defaults_are_a_laptop_sandbox():
    config = load_config({})
    assert config["SANDBOX"] is True
    assert config["PORT"] == 8000 and config["SANDBOX_PORT"] == 8001
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["WECHAT_PAY_API_BASE"] == "http://127.0.0.1:8001/"


def test_ports_and_urls_come_from_the_environment():
    config = load_config({"PORT": "9000", "SANDBOX_PORT": "9001", "DATABASE_URL": "postgresql://u@h/db",
                          "REDIS_URL": "redis://h:6379/0"})
    assert config["PUBLIC_BASE_URL"] == "http://127.0.0.1:9000"
    assert config["WECHAT_API_BASE"] == "http://127.0.0.1:9001/"
    assert config["REDIS_URL"] == "redis://h:6379/0"


def test_production_refuses_sandbox_hosts_default_secrets_and_demo_data():
    with pytest.raises(ConfigError) as refused:
        load_config({"SHOP_MODE": "production", "WECHAT_API_BASE": "http://127.0.0.1:8001/", "DEMO_DATA": "1"})
    message = str(refused.value)
    for problem in ("SECRET_KEY", "WECHAT_API_KEY", "points at a sandbox", "DEMO_DATA", "WECHATPAY_MCH_PRIVATE_KEY"):
        assert problem in message


PRODUCTION = {"SHOP_MODE": "production", "SECRET_KEY": "Zq3vN8-xW2pLr7Tk_Yb5Hc9Md4Fg6Js1Qa0Ue",
              "WECHAT_APPID": "wx1234567890abcdef", "WECHAT_SECRET": "real-secret", "WECHAT_MCH_ID": "1600000000",
              "WECHAT_API_KEY": "k" * 32,
              "WECHAT_MCH_CERT": "/etc/shop/apiclient_cert.pem", "WECHAT_MCH_KEY": "/etc/shop/apiclient_key.pem",
              "WECHATPAY_MCH_PRIVATE_KEY": "/etc/shop/apiclient_key.pem",
              "WECHATPAY_MCH_SERIAL": "5157F09EFDC096DE15EBE81A47057A72",
              "WECHATPAY_PUBLIC_KEY": "/etc/shop/pub_key.pem",
              "WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_0114232134912410000000000000000000",
              "WECHATPAY_APIV3_KEY": "a" * 16 + "B" * 16}


def refusal(**env) -> str:
    with pytest.raises(ConfigError) as refused:
        load_config({**PRODUCTION, **env})
    return str(refused.value)


def test_production_with_real_settings_starts():
    config = load_config(PRODUCTION)
    assert config["SANDBOX"] is False and config["WECHAT_PAY_API_BASE"] == ""
    assert config["DEMO_DATA"] is False


@pytest.mark.parametrize("mode", ["prod", "Production", "live", "sandbox2"])
def test_a_mode_other_than_sandbox_or_production_refuses_to_start(mode):
    with pytest.raises(ConfigError) as refused:
        load_config({"SHOP_MODE": mode})
    assert "SHOP_MODE must be 'sandbox' or 'production'" in str(refused.value) and repr(mode) in str(refused.value)


def test_the_refusal_is_a_clean_exit_with_the_message_not_a_traceback():
    with pytest.raises(SystemExit) as refused:
        load_config({"SHOP_MODE": "prod"})
    assert "SHOP_MODE" in str(refused.value.code)


@pytest.mark.parametrize("key", ["", "x", "s" * 40, "ab" * 20, "short-but-random-Qx7"])
def test_production_refuses_a_short_or_repetitive_secret_key(key):
    assert "SECRET_KEY must be at least 32 random bytes" in refusal(SECRET_KEY=key)


@pytest.mark.parametrize("base", ["http://127.1:8001/", "http://127.0.0.1:8001/", "http://localhost/",
                                  "http://LOCALHOST./", "http://[::1]:8001/", "http://0x7f000001/", "http://10.0.0.5/",
                                  "http://192.168.1.2/", "http://169.254.169.254/", "https://wechat-sandbox.example.com/",
                                  "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/", "http://api.localhost/"])
def test_production_refuses_loopback_private_and_sandbox_wechat_hosts_however_spelled(base):
    assert "WECHAT_PAY_API_BASE points at a sandbox, loopback or private host" in refusal(WECHAT_PAY_API_BASE=base)


def test_production_accepts_the_real_wechat_hosts():
    config = load_config({**PRODUCTION, "WECHAT_API_BASE": "https://api.weixin.qq.com/",
                          "WECHAT_PAY_API_BASE": "https://api.mch.weixin.qq.com/"})
    assert config["WECHAT_PAY_API_BASE"] == "https://api.mch.weixin.qq.com/"


def test_production_refuses_a_webhook_without_a_secret():
    assert "WMS_WEBHOOK_SECRET" in refusal(WMS_WEBHOOK_URL="https://wms.example.com/hook")
    assert "WMS_WEBHOOK_SECRET" in refusal(WMS_WEBHOOK_URL="https://wms.example.com/hook", WMS_WEBHOOK_SECRET="x")
    load_config({**PRODUCTION, "WMS_WEBHOOK_URL": "https://wms.example.com/hook",
                 "WMS_WEBHOOK_SECRET": "9f2c1d7e4b8a6035c2e1"})


def test_the_api_binds_to_loopback_unless_host_says_otherwise():
    assert load_config({})["HOST"] == "127.0.0.1"
    assert load_config({"HOST": "0.0.0.0"})["HOST"] == "0.0.0.0"


def test_no_proxy_is_trusted_and_api_docs_are_off_in_production_by_default():
    assert load_config({})["PROXY_COUNT"] == 0
    assert load_config({})["API_DOCS"] is True
    assert load_config(PRODUCTION)["API_DOCS"] is False
    assert load_config({**PRODUCTION, "API_DOCS": "1"})["API_DOCS"] is True


def test_wechat_pay_is_v3_by_default_and_v2_on_request():
    assert load_config({})["WECHATPAY_API"] == "v3"
    assert load_config({"WECHATPAY_API": "v2"})["WECHATPAY_API"] == "v2"
    with pytest.raises(ConfigError, match="WECHATPAY_API must be 'v3' or 'v2'"):
        load_config({"WECHATPAY_API": "v4"})


@pytest.mark.parametrize("key", ["WECHATPAY_MCH_PRIVATE_KEY", "WECHATPAY_MCH_SERIAL", "WECHATPAY_PUBLIC_KEY",
                                 "WECHATPAY_PUBLIC_KEY_ID", "WECHATPAY_APIV3_KEY"])
def test_production_in_v3_refuses_to_start_without_each_key(key):
    assert f"{key} is required for WeChat Pay APIv3" in refusal(**{key: ""})


def test_production_in_v3_refuses_a_malformed_apiv3_key_or_public_key_id():
    assert "WECHATPAY_APIV3_KEY must be 32 characters" in refusal(WECHATPAY_APIV3_KEY="short")
    assert "PUB_KEY_ID_" in refusal(WECHATPAY_PUBLIC_KEY_ID="5157F09EFDC096DE15EBE81A47057A72")


def test_production_in_v2_needs_the_merchant_certificate_and_no_v3_keys():
    v2 = {**{k: v for k, v in PRODUCTION.items() if not k.startswith("WECHATPAY_")}, "WECHATPAY_API": "v2"}
    assert load_config(v2)["WECHATPAY_API"] == "v2"
    with pytest.raises(ConfigError, match="WECHAT_MCH_CERT"):
        load_config({**v2, "WECHAT_MCH_CERT": ""})


def test_sandbox_mode_takes_the_v3_keys_it_is_not_given_from_the_demo_keys(tmp_path):
    from shop.config import wechatpay_v3_keys
    from wechat_sandbox.keys import ensure_demo_keys

    config = {**load_config({"WECHATPAY_APIV3_KEY": "z" * 32}), "WECHATPAY_DEMO_KEYS_DIR": str(tmp_path)}
    keys, demo = wechatpay_v3_keys(config), ensure_demo_keys(tmp_path)
    assert keys["WECHATPAY_APIV3_KEY"] == "z" * 32  # what is set wins
    assert keys["WECHATPAY_PUBLIC_KEY_ID"] == demo.wechatpay_public_key_id
    assert keys["WECHATPAY_MCH_PRIVATE_KEY"] == demo.merchant_private_key  # the PEM text, read from the file

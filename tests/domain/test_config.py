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
    for problem in ("SECRET_KEY", "WECHAT_API_KEY", "points at a sandbox", "DEMO_DATA", "WECHAT_MCH_CERT"):
        assert problem in message


PRODUCTION = {"SHOP_MODE": "production", "SECRET_KEY": "Zq3vN8-xW2pLr7Tk_Yb5Hc9Md4Fg6Js1Qa0Ue",
              "WECHAT_APPID": "wx1234567890abcdef", "WECHAT_SECRET": "real-secret", "WECHAT_MCH_ID": "1600000000",
              "WECHAT_API_KEY": "k" * 32,
              "WECHAT_MCH_CERT": "/etc/shop/apiclient_cert.pem", "WECHAT_MCH_KEY": "/etc/shop/apiclient_key.pem"}


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

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


def test_production_with_real_settings_starts():
    config = load_config({"SHOP_MODE": "production", "SECRET_KEY": "s" * 40, "WECHAT_APPID": "wx1234567890abcdef",
                          "WECHAT_SECRET": "real-secret", "WECHAT_MCH_ID": "1600000000", "WECHAT_API_KEY": "k" * 32,
                          "WECHAT_MCH_CERT": "/etc/shop/apiclient_cert.pem",
                          "WECHAT_MCH_KEY": "/etc/shop/apiclient_key.pem"})
    assert config["SANDBOX"] is False and config["WECHAT_PAY_API_BASE"] == ""
    assert config["DEMO_DATA"] is False

"""Sandbox settings: defaults, overridden by SANDBOX_* environment variables, then by the caller."""
import os

DEFAULTS = {
    "appid": "wxsandboxappid0001",
    "secret": "sandbox-secret",
    "mch_id": "1900000109",
    "api_key": "sandboxapikeysandboxapikey123456",
    # Seconds until an accepted refund goes from PROCESSING to SUCCESS; None = only by hand
    # (POST /__control__/refunds/<out_refund_no>/settle).
    "refund_settle_delay": 0.2,
    # Delays before each re-send of an unacknowledged notification (WeChat: 15s, 15s, 30s, 3m...).
    "notify_retry_intervals": [1, 2, 5, 10, 30],
    "notify_timeout": 5.0,
    # How long a "timeout" fault keeps the caller waiting before answering an empty body.
    "timeout_sleep": 15.0,
    # Where refund notifications go when the refund request named no notify_url
    # (real WeChat uses the URL configured in the merchant platform).
    "refund_notify_url": None,
    "access_token_expires_in": 7200,
    # WeChat's refund limits (v2 and v3 together): calls, and failing calls, per `rate_window` s.
    "refund_rate_limit": 150,
    "refund_failure_rate_limit": 6,
    "rate_window": 1.0,
    # WeChat: two refunds of the same order at least 60 s apart. 0 = not enforced (the default,
    # so that tests may refund an order twice in a row); set 60 to hold the shop to the rule.
    "same_order_refund_interval": 0,
    # The SQLite file that keeps payments, refunds and messages across restarts; None = memory only.
    "state_path": None,
    # APIv3 key material: a folder as made by keys.ensure_demo_keys (created on first use), and/or
    # the values themselves (PEM text), which win over the folder's. Without them v3 answers 401.
    "keys_dir": None,
    "merchant_public_key": None,
    "merchant_serial_no": None,
    "wechatpay_private_key": None,
    "wechatpay_public_key_id": None,
    "apiv3_key": None,
}

# Never shown by GET /__control__/config.
SECRET_KEYS = {"api_key", "wechatpay_private_key", "apiv3_key"}

_ENV = {
    "appid": "SANDBOX_APPID",
    "secret": "SANDBOX_SECRET",
    "mch_id": "SANDBOX_MCH_ID",
    "api_key": "SANDBOX_API_KEY",
    "state_path": "SANDBOX_STATE_PATH",
    "keys_dir": "SANDBOX_KEYS_DIR",
}

# Settings that POST /__control__/config may change while running.
RUNTIME_KEYS = {
    "refund_settle_delay",
    "notify_retry_intervals",
    "notify_timeout",
    "timeout_sleep",
    "refund_notify_url",
    "refund_rate_limit",
    "refund_failure_rate_limit",
    "rate_window",
    "same_order_refund_interval",
}


def load_config(overrides: dict | None = None) -> dict:
    config = dict(DEFAULTS)
    for key, env_name in _ENV.items():
        if os.environ.get(env_name):
            config[key] = os.environ[env_name]
    config.update(overrides or {})
    for key in ("state_path", "keys_dir"):
        if config[key] is not None:
            config[key] = str(config[key])
    if len(config["api_key"]) != 32:
        raise ValueError("a WeChat Pay API key is 32 characters long")
    return config

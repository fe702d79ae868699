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
}

_ENV = {
    "appid": "SANDBOX_APPID",
    "secret": "SANDBOX_SECRET",
    "mch_id": "SANDBOX_MCH_ID",
    "api_key": "SANDBOX_API_KEY",
}

# Settings that POST /__control__/config may change while running.
RUNTIME_KEYS = {
    "refund_settle_delay",
    "notify_retry_intervals",
    "notify_timeout",
    "timeout_sleep",
    "refund_notify_url",
}


def load_config(overrides: dict | None = None) -> dict:
    config = dict(DEFAULTS)
    for key, env_name in _ENV.items():
        if os.environ.get(env_name):
            config[key] = os.environ[env_name]
    config.update(overrides or {})
    if len(config["api_key"]) != 32:
        raise ValueError("a WeChat Pay API key is 32 characters long")
    return config

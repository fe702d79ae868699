"""Configuration from environment variables, with safe defaults for a laptop (SPEC §7)."""
from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("SHOP_VAR_DIR") or REPO_ROOT / "var")

DEFAULT_SECRET_KEY = "dev-secret-key-change-me"
SANDBOX_WECHAT = {
    "WECHAT_APPID": "wxsandboxappid0001",
    "WECHAT_SECRET": "sandbox-secret",
    "WECHAT_MCH_ID": "1900000109",
    "WECHAT_API_KEY": "sandboxapikeysandboxapikey123456",
}


MODES = ("sandbox", "production")
WECHATPAY_APIS = ("v3", "v2")
WECHATPAY_V3_KEYS = ("WECHATPAY_MCH_PRIVATE_KEY", "WECHATPAY_MCH_SERIAL", "WECHATPAY_PUBLIC_KEY",
                     "WECHATPAY_PUBLIC_KEY_ID", "WECHATPAY_APIV3_KEY")
MIN_SECRET_KEY_BYTES = 32
# A key of one repeated word is not random; a real 32-byte key in hex or base64 has far more.
MIN_SECRET_KEY_DISTINCT_CHARACTERS = 10


class ConfigError(SystemExit):
    """Refusing to start: a SystemExit, so `make run`, gunicorn and flask print the message, not a traceback."""

    def __str__(self) -> str:
        return str(self.code)


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(env: dict[str, str] | None = None) -> dict:
    env = dict(os.environ if env is None else env)
    mode = (env.get("SHOP_MODE") or "sandbox").strip()
    if mode not in MODES:
        # Fail closed: a typo such as "prod" must not quietly run as a sandbox with demo accounts.
        raise ConfigError(f"refusing to start: SHOP_MODE must be 'sandbox' or 'production', not {mode!r}")
    port = int(env.get("PORT", "8000"))
    sandbox_port = int(env.get("SANDBOX_PORT", "8001"))
    sandbox = mode != "production"
    sandbox_base = f"http://127.0.0.1:{sandbox_port}/"
    config = {
        "SHOP_MODE": mode,
        "SANDBOX": sandbox,
        "PORT": port,
        "SANDBOX_PORT": sandbox_port,
        "HOST": env.get("HOST") or "127.0.0.1",  # where `make run` binds the API
        # `make run` gives up on starting after this many seconds without a healthy API (sooner when a part
        # keeps exiting); a busy machine making demo history may need minutes.
        "START_TIMEOUT": float(env.get("START_TIMEOUT") or "600"),
        # This host's name in a cluster (cron's scheduler name, logs); the machine's hostname by default.
        "SHOP_INSTANCE": env.get("SHOP_INSTANCE") or socket.gethostname(),
        # Processes (docs/operations.md): gunicorn processes x threads, RQ worker processes; each process's
        # database pool follows its threads (DB_POOL_SIZE / DB_MAX_OVERFLOW override).
        "WEB_CONCURRENCY": int(env.get("WEB_CONCURRENCY") or "2"),
        "WEB_THREADS": int(env.get("GUNICORN_THREADS") or env.get("WEB_THREADS") or "8"),
        "WORKER_PROCESSES": int(env.get("WORKER_PROCESSES") or "2"),
        "DB_POOL_SIZE": int(env.get("DB_POOL_SIZE") or "0") or None,
        "DB_MAX_OVERFLOW": int(env.get("DB_MAX_OVERFLOW") or "2"),
        "PROXY_COUNT": int(env.get("PROXY_COUNT") or "0"),  # trusted reverse proxies in front (X-Forwarded-*)
        "API_DOCS": _bool(env.get("API_DOCS"), sandbox),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH") or str(6 * 1024 * 1024)),
        # No hoarding: orders placed per shopper and per client address (Flask-Limiter notation).
        "ORDER_RATE_LIMIT_PER_SHOPPER": env.get("ORDER_RATE_LIMIT_PER_SHOPPER") or "30 per minute",
        "ORDER_RATE_LIMIT_PER_IP": env.get("ORDER_RATE_LIMIT_PER_IP") or "300 per minute",
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'shop.sqlite'}",
        "REDIS_URL": env.get("REDIS_URL") or f"unix://{VAR_DIR / 'redis.sock'}",
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        "SHOP_NAME": env.get("SHOP_NAME") or "示例小店",  # printed on 发货单
        "TOKEN_MAX_AGE_SECONDS": int(env.get("TOKEN_MAX_AGE_SECONDS", str(7 * 24 * 3600))),
        "STAFF_TOKEN_MAX_AGE_SECONDS": int(env.get("STAFF_TOKEN_MAX_AGE_SECONDS", str(12 * 3600))),
        "WECHAT_API_BASE": env.get("WECHAT_API_BASE", sandbox_base if sandbox else ""),
        "WECHAT_PAY_API_BASE": env.get("WECHAT_PAY_API_BASE", sandbox_base if sandbox else ""),
        "WECHAT_MCH_CERT": env.get("WECHAT_MCH_CERT") or None,
        "WECHAT_MCH_KEY": env.get("WECHAT_MCH_KEY") or None,
        "WECHAT_TIMEOUT": float(env.get("WECHAT_TIMEOUT", "5")),
        # WeChat Pay: APIv3 in public-key mode (default) or APIv2; v3 keys below (files are PEM paths).
        "WECHATPAY_API": env.get("WECHATPAY_API", "v3").strip().lower(),
        "WECHATPAY_MCH_PRIVATE_KEY": env.get("WECHATPAY_MCH_PRIVATE_KEY", ""),
        "WECHATPAY_MCH_SERIAL": env.get("WECHATPAY_MCH_SERIAL", ""),
        "WECHATPAY_PUBLIC_KEY": env.get("WECHATPAY_PUBLIC_KEY", ""),
        "WECHATPAY_PUBLIC_KEY_ID": env.get("WECHATPAY_PUBLIC_KEY_ID", ""),
        "WECHATPAY_APIV3_KEY": env.get("WECHATPAY_APIV3_KEY", ""),
        # Sandbox mode: whatever of the v3 keys is not set comes from the demo keys kept here.
        "WECHATPAY_DEMO_KEYS_DIR": str(VAR_DIR / "wechatpay") if sandbox else "",
        "JOBS_ASYNC": _bool(env.get("JOBS_ASYNC"), True),
        "DEMO_DATA": _bool(env.get("DEMO_DATA"), sandbox),
        # make run: orders of the last 90 days made once in an empty demo shop (0: none).
        "DEMO_HISTORY_ORDERS": int(env.get("DEMO_HISTORY_ORDERS") or 1500),
        "API_TITLE": "订单售后系统 API",
        "API_VERSION": "1.0",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        # The browsable docs are served by api/docs.py from a pinned package, never from a CDN.
        "JSON_AS_ASCII": False,
        # Refund engine (R4): pauses between automatic retries, claim lease, when to query WeChat.
        "REFUND_RETRY_INTERVALS": [int(x) for x in env.get("REFUND_RETRY_INTERVALS", "10,60,300,1800,7200").split(",")
                                   if x.strip()],
        "REFUND_CLAIM_LEASE_SECONDS": int(env.get("REFUND_CLAIM_LEASE_SECONDS", "60")),
        "REFUND_QUERY_AFTER_SECONDS": int(env.get("REFUND_QUERY_AFTER_SECONDS", "60")),
        # WeChat's rate rules (W3): submissions a second across the cluster, while failing, per-order gap.
        "REFUND_RATE_PER_S": int(env.get("REFUND_RATE_PER_S", "100")),
        "REFUND_FAILING_RATE_PER_S": int(env.get("REFUND_FAILING_RATE_PER_S", "5")),
        "REFUND_ORDER_GAP_SECONDS": int(env.get("REFUND_ORDER_GAP_SECONDS", "60")),
        "REFUND_RATE_WINDOW_MS": int(env.get("REFUND_RATE_WINDOW_MS", "1300")),
        # Inventory sync to a WMS/ERP (I2): off when the URL is empty.
        "WMS_WEBHOOK_URL": env.get("WMS_WEBHOOK_URL", ""),
        "WMS_WEBHOOK_SECRET": env.get("WMS_WEBHOOK_SECRET", ""),
        # Uploaded photos (adapters/storage.py): local (this host's UPLOAD_DIR), postgres (a table in the
        # shop's database) or s3 (any S3-compatible storage); several API hosts need postgres or s3.
        "UPLOAD_STORAGE": (env.get("UPLOAD_STORAGE") or "local").strip().lower(),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or "",
        **{key: env.get(key, "") for key in ("UPLOAD_S3_ENDPOINT_URL", "UPLOAD_S3_BUCKET", "UPLOAD_S3_REGION",
                                             "UPLOAD_S3_ACCESS_KEY_ID", "UPLOAD_S3_SECRET_ACCESS_KEY",
                                             "UPLOAD_S3_PREFIX")},
        "RETURN_ADDRESS": env.get("RETURN_ADDRESS", "浙江省杭州市余杭区文一西路 969 号 售后仓 收货人：售后组 电话：0571-88888888"),
    }
    for key, default in SANDBOX_WECHAT.items():
        config[key] = env.get(key, default if sandbox else "")
    if config["WECHATPAY_API"] not in WECHATPAY_APIS:
        raise ConfigError(f"refusing to start: WECHATPAY_API must be 'v3' or 'v2', not {config['WECHATPAY_API']!r}")
    if config["UPLOAD_STORAGE"] not in ("local", "postgres", "database", "s3"):
        raise ConfigError("refusing to start: UPLOAD_STORAGE must be 'local', 'postgres' or 's3', "
                          f"not {config['UPLOAD_STORAGE']!r}")
    if config["UPLOAD_STORAGE"] == "s3" and not config["UPLOAD_S3_BUCKET"]:
        raise ConfigError("refusing to start: UPLOAD_STORAGE=s3 needs UPLOAD_S3_BUCKET")
    for key, value in env.items():
        if key.startswith("POLICY_"):
            config[key] = int(value) if value.lstrip("-").isdigit() else _bool(value, False)
    if not sandbox:
        check_production(config)
    return config


def finalize_database(config: dict) -> None:
    """Driver and engine options follow the database URL, whoever set it."""
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        config["SQLALCHEMY_DATABASE_URI"] = uri.replace("postgresql://", "postgresql+psycopg://", 1)
    if uri.startswith("sqlite"):
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    else:
        # One connection per serving thread is all a process uses; the overflow covers health checks and
        # the instance-id read. Two hosts with the defaults need 2 x 2 x (8 + 2) connections for the API.
        pool_size = config.get("DB_POOL_SIZE") or config.get("WEB_THREADS") or 8
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True, "pool_size": pool_size,
                                                        "max_overflow": config.get("DB_MAX_OVERFLOW", 2)})


def check_production(config: dict) -> None:
    """Production refuses sandbox hosts, demo data and default secrets."""
    problems = []
    for key, default in SANDBOX_WECHAT.items():
        if not config[key] or config[key] == default:
            problems.append(f"{key} is missing or the sandbox default")
    problems += secret_key_problems(config["SECRET_KEY"])
    for key in sorted(config):
        if key.startswith("WECHAT") and key.endswith(("_BASE", "_URL")) and config[key] \
                and not is_public_host(config[key]):
            problems.append(f"{key} points at a sandbox, loopback or private host ({config[key]})")
    if config["WMS_WEBHOOK_URL"] and len(config["WMS_WEBHOOK_SECRET"]) < 16:
        problems.append("WMS_WEBHOOK_URL is set without a WMS_WEBHOOK_SECRET of at least 16 characters")
    if config["DEMO_DATA"]:
        problems.append("DEMO_DATA is on")
    if config["WECHATPAY_API"] == "v2" and (not config["WECHAT_MCH_CERT"] or not config["WECHAT_MCH_KEY"]):
        problems.append("WECHAT_MCH_CERT / WECHAT_MCH_KEY are required for refunds")
    problems += wechatpay_v3_problems(config)
    if problems:
        raise ConfigError("refusing to start in production: " + "; ".join(problems))


def wechatpay_v3_problems(config: dict) -> list[str]:
    """APIv3 in public-key mode needs the merchant's private key and serial, the APIv3 key, and the
    WeChat Pay public key with its id."""
    if config["WECHATPAY_API"] != "v3":
        return []
    problems = [f"{key} is required for WeChat Pay APIv3" for key in WECHATPAY_V3_KEYS if not config[key]]
    if config["WECHATPAY_APIV3_KEY"] and len(config["WECHATPAY_APIV3_KEY"].encode()) != 32:
        problems.append("WECHATPAY_APIV3_KEY must be 32 characters")
    if config["WECHATPAY_PUBLIC_KEY_ID"] and not config["WECHATPAY_PUBLIC_KEY_ID"].startswith("PUB_KEY_ID_"):
        problems.append("WECHATPAY_PUBLIC_KEY_ID must be the WeChat Pay public key id (PUB_KEY_ID_…)")
    return problems


def wechatpay_v3_keys(config: dict) -> dict:
    """The v3 key material as text: PEM files read, and in sandbox mode whatever is not set taken
    from the demo keys (created on first use, shared with the sandbox)."""
    values = {key: config.get(key) or "" for key in WECHATPAY_V3_KEYS}
    if config.get("WECHATPAY_DEMO_KEYS_DIR") and not all(values.values()):
        from wechat_sandbox.keys import ensure_demo_keys
        demo = ensure_demo_keys(config["WECHATPAY_DEMO_KEYS_DIR"])
        defaults = {"WECHATPAY_MCH_PRIVATE_KEY": str(demo.merchant_private_key_path),
                    "WECHATPAY_MCH_SERIAL": demo.merchant_serial_no,
                    "WECHATPAY_PUBLIC_KEY": str(demo.wechatpay_public_key_path),
                    "WECHATPAY_PUBLIC_KEY_ID": demo.wechatpay_public_key_id,
                    "WECHATPAY_APIV3_KEY": demo.apiv3_key}
        values = {key: value or defaults[key] for key, value in values.items()}
    for key in ("WECHATPAY_MCH_PRIVATE_KEY", "WECHATPAY_PUBLIC_KEY"):
        try:
            values[key] = Path(values[key]).read_text()
        except OSError as exc:
            raise ConfigError(f"refusing to start: {key} ({values[key]!r}) cannot be read: {exc}") from exc
    return values


def secret_key_problems(key: str) -> list[str]:
    """Anyone who knows or guesses the key can forge every token: it must be long and random-looking."""
    if key == DEFAULT_SECRET_KEY:
        return ["SECRET_KEY is the public default"]
    if len(key.encode()) < MIN_SECRET_KEY_BYTES or len(set(key)) < MIN_SECRET_KEY_DISTINCT_CHARACTERS:
        return [f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} random bytes "
                "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"]
    return []


def is_public_host(url: str) -> bool:
    """False for loopback, private, link-local and sandbox hosts, however they are spelled
    (`127.1`, `0x7f.1`, `[::1]`, `localhost.`, `wechat-sandbox.internal`)."""
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if not host or host == "localhost" or host.endswith(".localhost") or "sandbox" in host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:  # the short and hex forms of IPv4 that resolvers accept (127.1, 0x7f000001)
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return True  # a DNS name
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global

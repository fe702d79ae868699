"""The adapters a service needs (WeChat, the queue, the policy), built once per app."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app, has_request_context, request

from ..adapters.miniprogram import MiniProgramClient
from ..adapters.queue import JobQueue
from ..adapters.refund_pacer import RefundPacer
from ..adapters.payments import PaymentGateway
from ..adapters.payments.v2 import WeChatPayV2
from ..adapters.payments.v3 import WeChatPayV3, WeChatPayV3Settings
from ..adapters.wechat_settings import WeChatSettings
from ..config import wechatpay_v3_keys
from ..domain.policy import Policy
from ..domain.refund_pacing import RefundPace
from .instance import instance_id
from .policy_cache import PolicyCache, RecentRead

POLICY_ENVIRON_KEY = "shop.policy"
NOTIFY_PATHS = {"v3": "/api/wechat/v3/", "v2": "/api/wechat/"}  # where WeChat sends each protocol's notifications


@dataclass
class Deps:
    payments: PaymentGateway  # WeChat Pay, v3 or v2 (adapters/payments/gateway.py)
    miniprogram: MiniProgramClient  # login, subscribe messages
    jobs: JobQueue
    base_policy: Policy  # from configuration (POLICY_*)
    public_base_url: str
    refund_retry_intervals: list[int]
    refund_pacer: RefundPacer  # WeChat's refund rate rules (W3), shared through Redis
    policy_cache: PolicyCache = field(default_factory=PolicyCache)
    trade_managed_read: RecentRead = field(default_factory=RecentRead)  # shipping.trade_managed, 1 s per process

    @property
    def policy(self) -> Policy:
        """The Policy in force: configuration overlaid with what an admin changed in the settings page.

        Once per HTTP request (kept in its WSGI environ) from the in-process cache, which checks the
        settings version in Redis (services/settings.py); jobs and commands read it fresh."""
        from .settings import overlay
        if not has_request_context():
            return overlay(self.base_policy)
        cached = request.environ.get(POLICY_ENVIRON_KEY)
        if cached is None or cached[0] is not self.base_policy:
            policy = self.policy_cache.get(self.base_policy, self.jobs.connection, overlay)
            cached = request.environ[POLICY_ENVIRON_KEY] = (self.base_policy, policy)
        return cached[1]

    def forget_process_caches(self) -> None:
        """Read the settings and WeChat's platform status afresh (tests empty Redis and the tables)."""
        self.policy_cache.forget()
        self.trade_managed_read.forget()

    @policy.setter
    def policy(self, value: Policy) -> None:
        self.base_policy = value

    @property
    def pay_notify_url(self) -> str:
        return f"{self.public_base_url}{NOTIFY_PATHS[self.payments.api]}pay-notify"

    @property
    def refund_notify_url(self) -> str:
        return f"{self.public_base_url}{NOTIFY_PATHS[self.payments.api]}refund-notify"


def build_deps(config: dict) -> Deps:
    settings = WeChatSettings(
        appid=config["WECHAT_APPID"], secret=config["WECHAT_SECRET"], mch_id=config["WECHAT_MCH_ID"],
        api_key=config["WECHAT_API_KEY"], mch_cert=config["WECHAT_MCH_CERT"], mch_key=config["WECHAT_MCH_KEY"],
        api_base=config["WECHAT_API_BASE"] or None, pay_api_base=config["WECHAT_PAY_API_BASE"] or None,
        timeout=config["WECHAT_TIMEOUT"],
    )
    intervals = config.get("REFUND_RETRY_INTERVALS") or [10, 60, 300, 1800, 7200]
    payments = build_payment_gateway(config, settings)
    jobs = JobQueue(config["REDIS_URL"], namespace=instance_id)
    return Deps(
        payments=payments,
        miniprogram=MiniProgramClient(settings),
        jobs=jobs,
        base_policy=Policy.from_mapping(config),
        public_base_url=config["PUBLIC_BASE_URL"],
        refund_retry_intervals=list(intervals),
        refund_pacer=RefundPacer(lambda: jobs.connection, RefundPace.from_config(config)),
    )


def build_payment_gateway(config: dict, settings: WeChatSettings) -> PaymentGateway:
    """WECHATPAY_API=v3 (default): APIv3 in public-key mode; v2: APIv2 with the settings' MD5 key."""
    if config.get("WECHATPAY_API", "v3") == "v2":
        return WeChatPayV2(settings)
    keys = wechatpay_v3_keys(config)
    return WeChatPayV3(WeChatPayV3Settings(
        appid=settings.appid, mch_id=settings.mch_id, mch_private_key=keys["WECHATPAY_MCH_PRIVATE_KEY"],
        mch_serial=keys["WECHATPAY_MCH_SERIAL"], wechatpay_public_key=keys["WECHATPAY_PUBLIC_KEY"],
        wechatpay_public_key_id=keys["WECHATPAY_PUBLIC_KEY_ID"], apiv3_key=keys["WECHATPAY_APIV3_KEY"],
        api_base=settings.pay_api_base, timeout=settings.timeout))


def forget_cached_policy() -> None:
    """After the settings change, this request and this process read the policy afresh; other
    processes see the new settings version in Redis."""
    d = deps()
    d.policy_cache.settings_changed(d.jobs.connection)
    if has_request_context():
        request.environ.pop(POLICY_ENVIRON_KEY, None)


def init_services(app: Flask) -> None:
    app.extensions["shop.deps"] = build_deps(app.config)


def deps() -> Deps:
    return current_app.extensions["shop.deps"]

"""A local emulator of the WeChat servers (api.weixin.qq.com and api.mch.weixin.qq.com) on one
port, speaking WeChat's wire protocol so that unmodified wechatpy (v2) and wechatpayv3 (APIv3,
public-key mode) work against it."""
from dataclasses import dataclass, field

from flask import Flask, render_template_string

from . import complaint_routes, control_routes, open_routes, pay_routes, platform_routes, v3_routes
from .complaints import ComplaintBook
from .config import load_config
from .faults import Faults
from .limits import RefundRateLimiter, Stats
from .notifier import Notifier
from .signing_v3 import V3Keys, load_keys
from .state import SandboxState
from .store import Store


@dataclass
class Sandbox:
    config: dict
    faults: Faults
    notifier: Notifier
    state: SandboxState
    v3_keys: V3Keys | None
    stats: Stats
    refund_limiter: RefundRateLimiter
    bill_files: dict = field(default_factory=dict)  # v3 download token -> the file as applied for


_INDEX = """<!doctype html><meta charset="utf-8"><title>WeChat sandbox</title>
<h1>WeChat sandbox</h1><p>appid {{ c.appid }} · mch_id {{ c.mch_id }}</p>
<h2>Payments</h2><table border=1><tr><th>out_trade_no<th>API<th>total_fee<th>state<th>transaction_id</tr>
{% for p in s.payments %}<tr><td>{{ p.out_trade_no }}<td>{{ p.api }}<td>{{ p.total_fee }}<td>{{ p.trade_state }}<td>{{ p.transaction_id or "" }}</tr>{% endfor %}</table>
<h2>Refunds</h2><table border=1><tr><th>out_refund_no<th>API<th>out_trade_no<th>refund_fee<th>status</tr>
{% for r in s.refunds %}<tr><td>{{ r.out_refund_no }}<td>{{ r.api }}<td>{{ r.out_trade_no }}<td>{{ r.refund_fee }}<td>{{ r.status }}</tr>{% endfor %}</table>
<h2>Subscribe messages</h2><ul>{% for m in s.messages %}<li>{{ m.touser }} · {{ m.template_id }} · {{ m.data }}</li>{% endfor %}</ul>
<p>Control API: <code>/__control__/…</code>, see docs/wechat-sandbox.md</p>"""


def create_app(config: dict | None = None) -> Flask:
    settings = load_config(config)
    faults = Faults()
    v3_keys = load_keys(settings)
    store = Store(settings["state_path"])
    notifier = Notifier(settings, faults, store, v3_keys)
    state = SandboxState(settings, notifier, store, v3_keys)
    complaints = ComplaintBook(settings, notifier, store, v3_keys)
    notifier.resume()
    app = Flask(__name__)
    app.extensions["wechat_sandbox"] = Sandbox(settings, faults, notifier, state, v3_keys, Stats(),
                                               RefundRateLimiter(settings))
    app.extensions["wechat_complaints"] = complaints
    app.register_blueprint(open_routes.bp)
    app.register_blueprint(pay_routes.bp)
    app.register_blueprint(v3_routes.bp)
    app.register_blueprint(complaint_routes.bp)
    app.register_blueprint(control_routes.bp)
    app.register_blueprint(platform_routes.bp)

    @app.get("/")
    def index():
        sandbox = app.extensions["wechat_sandbox"]
        return render_template_string(_INDEX, c=sandbox.config, s=sandbox.state.snapshot())

    return app

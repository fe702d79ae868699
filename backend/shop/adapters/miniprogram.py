"""The mini-program's side of WeChat (api.weixin.qq.com) over wechatpy: login, subscribe messages,
the order-shipping service (发货信息管理) and WeChat's carrier list.

Base URLs point at the sandbox when `api_base` is set; network errors become WeChatUnavailable;
every call has a timeout. The access token comes from `/cgi-bin/stable_token` (normal mode): every
process and host asking for it gets the same token while it lives, so no process invalidates the
token another one holds, as each `/cgi-bin/token` fetch would.
"""
import time
from dataclasses import dataclass
from datetime import datetime

import requests
from wechatpy.client import WeChatClient
from wechatpy.exceptions import WeChatClientException

from .wechat_settings import WeChatSettings
from .wechat_errors import WeChatError, WeChatUnavailable

REAL_API_BASE = "https://api.weixin.qq.com/"


class _Client(WeChatClient):
    """WeChatClient whose every URL, the token URL included, starts at `api_base`."""

    def __init__(self, settings: WeChatSettings, http: requests.Session | None, token_storage=None):
        super().__init__(settings.appid, settings.secret, session=token_storage, timeout=settings.timeout)
        self._api_base = settings.api_base or REAL_API_BASE
        self.API_BASE_URL = self._api_base + "cgi-bin/"
        self.wxa.API_BASE_URL = self._api_base
        if http is not None:
            self._http = http

    def fetch_access_token(self):
        # wechatpy fetches https://api.weixin.qq.com/cgi-bin/token, which invalidates the token every
        # other process holds; the stable token is shared. force_refresh stays false: forcing would
        # invalidate everyone's token again.
        response = self._http.post(
            self._api_base + "cgi-bin/stable_token",
            json={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret,
                  "force_refresh": False},
            timeout=self.timeout,
        )
        response.raise_for_status()
        result = response.json()
        if result.get("errcode"):
            raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self,
                                        request=response.request, response=response)
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        return result



class MiniProgramClient:
    def __init__(self, settings: WeChatSettings, session: requests.Session | None = None, *, token_storage=None):
        """`token_storage`: a wechatpy session storage (e.g. RedisStorage) so that several
        processes share one access token; default: this object's memory."""
        self.settings = settings
        self._client = _Client(settings, session, token_storage)

    def _call_open(self, call, *args, **kwargs) -> dict:
        try:
            result = call(*args, **kwargs)
        except WeChatClientException as exc:
            if exc.errcode is None:  # HTTP error status
                raise WeChatUnavailable("NETWORK_ERROR", f"HTTP error from WeChat: {exc.response}") from exc
            raise WeChatError(str(exc.errcode), str(exc.errmsg)) from exc
        except requests.Timeout as exc:
            raise WeChatUnavailable("TIMEOUT", str(exc)) from exc
        except (requests.RequestException, ValueError) as exc:
            raise WeChatUnavailable("NETWORK_ERROR", str(exc)) from exc
        if not isinstance(result, dict):
            raise WeChatUnavailable("NETWORK_ERROR", "WeChat reply is not JSON")
        return result

    # -- mini-program login and messages -----------------------------------------------------

    def code_to_session(self, code: str) -> dict:
        result = self._call_open(self._client.wxa.code_to_session, code)
        session = {"openid": result["openid"], "session_key": result.get("session_key")}
        if result.get("unionid"):
            session["unionid"] = result["unionid"]
        return session

    def send_subscribe_message(self, *, openid: str, template_id: str, data: dict, page: str | None = None) -> None:
        """`data` values may be plain ({"thing1": "退款成功"}) or WeChat's {"value": ...} form."""
        payload = {k: v if isinstance(v, dict) else {"value": str(v)} for k, v in data.items()}
        self._call_open(self._client.wxa.send_subscribe_message, openid, template_id, payload, page)

    # -- order shipping (发货信息管理服务) ----------------------------------------------------

    def _post(self, path: str, body: dict) -> dict:
        return self._call_open(self._client.post, self._client._api_base + path, data=body)

    def upload_shipping_info(self, shipment: "ShipmentUpload") -> None:
        """Report one shipment of a payment (a second call for the same payment is WeChat's one update)."""
        package = {"tracking_no": shipment.tracking_no, "express_company": shipment.express_company,
                   "item_desc": shipment.item_desc}
        if shipment.receiver_contact:
            package["contact"] = {"receiver_contact": shipment.receiver_contact}
        self._post("wxa/sec/order/upload_shipping_info", {
            "order_key": self._order_key(shipment.out_trade_no, shipment.transaction_id),
            "logistics_type": 1,  # express delivery
            "delivery_mode": 1,  # one parcel per payment (UNIFIED_DELIVERY)
            "shipping_list": [package],
            "upload_time": shipment.upload_time.isoformat(timespec="milliseconds"),
            "payer": {"openid": shipment.openid},
        })

    def _order_key(self, out_trade_no: str | None, transaction_id: str | None) -> dict:
        if transaction_id:
            return {"order_number_type": 2, "transaction_id": transaction_id}
        return {"order_number_type": 1, "mchid": self.settings.mch_id, "out_trade_no": out_trade_no}

    def shipping_order_state(self, transaction_id: str) -> int:
        """WeChat's order_state of a payment: 1 待发货, 2 已发货, 3 确认收货, 4 交易完成, 5 已退款."""
        return int(self._post("wxa/sec/order/get_order", {"transaction_id": transaction_id})["order"]["order_state"])

    def notify_confirm_receive(self, transaction_id: str, received_at: datetime) -> None:
        """Ask WeChat to remind the shopper to confirm receipt (the parcel was delivered at `received_at`)."""
        self._post("wxa/sec/order/notify_confirm_receive",
                   {"transaction_id": transaction_id, "received_time": int(received_at.timestamp())})

    def set_msg_jump_path(self, path: str) -> None:
        """Where WeChat's shipping messages open the mini-program."""
        self._post("wxa/sec/order/set_msg_jump_path", {"path": path})

    def is_trade_managed(self) -> bool:
        """Whether WeChat manages this mini-program's trades (shipping upload and receipt required)."""
        return bool(self._post("wxa/sec/order/is_trade_managed", {"appid": self.settings.appid})["is_trade_managed"])

    def delivery_list(self) -> list[dict]:
        """WeChat's carriers: [{"code": "SF", "name": "顺丰速运"}, ...]."""
        result = self._post("cgi-bin/express/delivery/open_msg/get_delivery_list", {})
        return [{"code": c["delivery_id"], "name": c["delivery_name"]} for c in result.get("delivery_list", [])]


@dataclass(frozen=True)
class ShipmentUpload:
    """One shipment as WeChat's upload_shipping_info needs it."""

    out_trade_no: str
    transaction_id: str | None
    openid: str
    express_company: str
    tracking_no: str
    item_desc: str
    receiver_contact: str | None
    upload_time: datetime

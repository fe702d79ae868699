"""The mini-program's side of WeChat (api.weixin.qq.com) over wechatpy: login, subscribe messages.

Base URLs point at the sandbox when `api_base` is set (wechatpy hard-codes the access-token URL,
so that fetch is overridden); network errors become WeChatUnavailable; every call has a timeout.
"""
import time

import requests
from wechatpy.client import WeChatClient
from wechatpy.exceptions import WeChatClientException

from .wechat import WeChatSettings
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
        # wechatpy hard-codes https://api.weixin.qq.com/cgi-bin/token and sends no timeout.
        response = self._http.get(
            self._api_base + "cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
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

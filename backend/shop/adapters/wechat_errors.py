"""WeChat's error codes and the three exceptions every WeChat adapter raises."""

# Every WeChat error code the shop may meet: is calling again (with the same parameters,
# e.g. the same out_refund_no) worth it, and what it means. Codes not listed are final, so
# that an unknown failure reaches a person instead of looping.
ERROR_CODES: dict[str, tuple[bool, str]] = {
    # retryable: WeChat's side is temporarily unable; the same request may succeed later
    "SYSTEMERROR": (True, "WeChat system error; retry with the same parameters"),
    "BIZERR_NEED_RETRY": (True, "refund flow interrupted; retry with the same out_refund_no"),
    "FREQUENCY_LIMITED": (True, "too many requests; retry later"),
    "-1": (True, "system busy (api.weixin.qq.com)"),
    "45009": (True, "daily API quota reached (api.weixin.qq.com)"),
    "45011": (True, "API minute quota reached (api.weixin.qq.com)"),
    # final: retrying the same request cannot succeed; a person or another route is needed
    "NOTENOUGH": (False, "merchant balance too low to refund; finance must top up, then retry by hand"),
    "INVALID_REQUEST": (False, "request breaks a business rule, e.g. refund_fee above the refundable amount"),
    "REFUND_FEE_MISMATCH": (False, "out_refund_no reused with other amounts"),
    "ERROR": (False, "refund refused, e.g. order already fully refunded"),
    "TRADE_OVERDUE": (False, "order too old to refund through WeChat"),
    "USER_ACCOUNT_ABNORMAL": (False, "shopper's account closed or frozen; refund another way"),
    "INVALID_REQ_TOO_MUCH": (False, "too many partial refunds on this order"),
    "INVALID_TRANSACTIONID": (False, "unknown transaction_id"),
    "ORDERPAID": (False, "order already paid"),
    "ORDERCLOSED": (False, "order already closed"),
    "ORDERNOTEXIST": (False, "no such order (or not paid, for a refund)"),
    "REFUNDNOTEXIST": (False, "no such refund"),
    "OUT_TRADE_NO_USED": (False, "out_trade_no already used with other parameters"),
    "NOAUTH": (False, "merchant lacks the permission"),
    "PARAM_ERROR": (False, "malformed parameter"),
    "LACK_PARAMS": (False, "missing parameter"),
    "APPID_NOT_EXIST": (False, "configuration: wrong appid"),
    "MCHID_NOT_EXIST": (False, "configuration: wrong mch_id"),
    "APPID_MCHID_NOT_MATCH": (False, "configuration: appid and mch_id do not belong together"),
    "SIGNERROR": (False, "configuration: wrong API key"),
    "RETURN_FAIL": (False, "WeChat refused the request itself (return_code FAIL), see message"),
    "CERT_REQUIRED": (False, "configuration: refunds on the real WeChat need mch_cert and mch_key"),
    "40029": (False, "invalid login code"),
    "40003": (False, "invalid openid"),
    "40037": (False, "invalid template_id"),
    "43101": (False, "shopper has not accepted this subscribe message"),
    "47003": (False, "template data does not match the template"),
    # WeChat Pay APIv3 (JSON `{"code", "message"}` with an HTTP status); FREQUENCY_LIMITED and
    # USER_ACCOUNT_ABNORMAL are spelled as in v2, above
    "SYSTEM_ERROR": (True, "v3: WeChat system error; retry with the same parameters"),
    "BIZ_ERR_NEED_RETRY": (True, "v3: refund flow interrupted; retry with the same out_refund_no"),
    "NOT_ENOUGH": (False, "v3: merchant balance too low to refund; finance must top up, then retry by hand"),
    "RESOURCE_NOT_EXISTS": (False, "v3: no such order or refund"),
    "ORDER_NOT_EXIST": (False, "v3: no such order"),
    "ORDER_CLOSED": (False, "v3: order already closed"),
    "ORDER_PAID": (False, "v3: order already paid"),
    "MCH_NOT_EXISTS": (False, "v3 configuration: wrong mchid"),
    "NO_AUTH": (False, "v3: merchant lacks the permission"),
    "SIGN_ERROR": (False, "v3 configuration: our request signature was refused (key or serial)"),
    "NO_STATEMENT_EXIST": (False, "v3: no bill for that day"),
}


def is_retryable(code: str) -> bool:
    return ERROR_CODES.get(code, (False, ""))[0]


class WeChatError(Exception):
    """WeChat answered with an error."""

    def __init__(self, code: str, message: str = "", retryable: bool | None = None):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.retryable = is_retryable(code) if retryable is None else retryable


class WeChatUnavailable(WeChatError):
    """No trustworthy answer: NETWORK_ERROR, TIMEOUT or BAD_SIGNATURE. Always retryable."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(code, message, retryable=True)


class InvalidNotification(Exception):
    """A notification that must change nothing: forged, tampered with, or for another merchant."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

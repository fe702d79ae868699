"""/pay/downloadbill text: header line, one backtick-prefixed line per entry, summary lines.

Amounts in bills are yuan with two decimals (the API itself speaks fen)."""
from .clock import wechat_datetime

_COMMON = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额"
HEADERS = {
    "ALL": _COMMON + ",微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
    "SUCCESS": _COMMON + ",商品名称,商户数据包,手续费,费率,订单金额,费率备注",
    "REFUND": _COMMON + ",退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
}
SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
FEE_RATE = "0.60%"


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _line(fields) -> str:
    # Free text must not break the comma-separated layout.
    return ",".join("`" + str(f if f is not None else "").replace(",", " ") for f in fields)


def _order_fields(payment, config, moment, state) -> list:
    return [wechat_datetime(moment), config["appid"], config["mch_id"], "0", "", payment.transaction_id,
            payment.out_trade_no, payment.openid, payment.trade_type, state, "OTHERS", "CNY",
            yuan(payment.total_fee), "0.00"]


def render(bill_type: str, payments: list, refunds: list, config: dict) -> str | None:
    """The bill text, or None when there is nothing to bill ("No Bill Exist")."""
    lines = []
    if bill_type in ("ALL", "SUCCESS"):
        for p in payments:
            fields = _order_fields(p, config, p.paid_at, "SUCCESS")
            if bill_type == "ALL":
                fields += ["0", "0", "0.00", "0.00", "", "", p.body, p.attach, "0.00", FEE_RATE,
                           yuan(p.total_fee), "0.00", ""]
            else:
                fields += [p.body, p.attach, "0.00", FEE_RATE, yuan(p.total_fee), ""]
            lines.append(_line(fields))
    if bill_type in ("ALL", "REFUND"):
        for r, p in refunds:
            if bill_type == "ALL":
                fields = _order_fields(p, config, r.created_at, "REFUND")
            else:
                fields = _order_fields(p, config, p.paid_at, "REFUND")
                fields += [wechat_datetime(r.created_at), wechat_datetime(r.succeeded_at) if r.succeeded_at else ""]
            fields += [r.refund_id, r.out_refund_no, yuan(r.refund_fee), "0.00", "ORIGINAL", r.status, p.body,
                       p.attach, "0.00", FEE_RATE, yuan(p.total_fee), yuan(r.refund_fee), ""]
            lines.append(_line(fields))
    if not lines:
        return None
    paid = sum(p.total_fee for p in payments) if bill_type != "REFUND" else 0
    refunded = sum(r.refund_fee for r, _ in refunds) if bill_type != "SUCCESS" else 0
    summary = [str(len(lines)), yuan(paid), yuan(refunded), "0.00", "0.00", yuan(paid), yuan(refunded)]
    return "\r\n".join([HEADERS[bill_type], *lines, SUMMARY_HEADER, _line(summary)]) + "\r\n"

"""The one list of machine-readable error codes shared by every endpoint."""
from __future__ import annotations

from enum import Enum


class ErrorCode(Enum):
    # (http status, default Chinese message)
    VALIDATION_ERROR = (422, "参数校验失败")
    BAD_REQUEST = (400, "请求有误")
    UNAUTHORIZED = (401, "请先登录")
    TOKEN_EXPIRED = (401, "登录已过期，请重新登录")
    FORBIDDEN = (403, "没有权限执行此操作")
    NOT_FOUND = (404, "资源不存在")
    ORDER_NOT_FOUND = (404, "订单不存在")
    PRODUCT_NOT_FOUND = (404, "商品不存在")
    SKU_NOT_FOUND = (404, "商品规格不存在")
    ADDRESS_NOT_FOUND = (404, "收货地址不存在")
    COUPON_NOT_FOUND = (404, "优惠券不存在")
    REFUND_NOT_FOUND = (404, "退款记录不存在")
    REQUEST_NOT_FOUND = (404, "申请不存在")
    STAFF_NOT_FOUND = (404, "员工不存在")
    SHOPPER_NOT_FOUND = (404, "顾客不存在")
    CONFLICT = (409, "数据已被修改，请刷新后重试")
    IDEMPOTENCY_KEY_REUSED = (409, "该幂等键已用于另一笔下单请求")
    OUT_OF_STOCK = (409, "库存不足")
    PRODUCT_UNAVAILABLE = (409, "商品已下架")
    COUPON_UNAVAILABLE = (409, "优惠券不可用")
    ORDER_NOT_PAYABLE = (409, "订单当前状态不可支付")
    ORDER_NOT_CANCELLABLE = (409, "订单当前状态不可取消")
    ORDER_NOT_MODIFIABLE = (409, "订单当前状态不可修改")
    ORDER_NOT_DELETABLE = (409, "订单当前状态不可删除")
    ORDER_ACTION_NOT_ALLOWED = (409, "订单当前状态不允许此操作")
    REQUEST_ALREADY_OPEN = (409, "该订单已有待处理的申请")
    REQUEST_ALREADY_DECIDED = (409, "该申请已处理")
    AFTER_SALE_NOT_ALLOWED = (409, "该订单当前不可申请售后")
    REFUND_EXCEEDS_PAID = (409, "退款金额不能超过实付金额")
    REFUND_NOT_RETRYABLE = (409, "该退款当前不可重试")
    REFUND_ACTION_NOT_ALLOWED = (409, "该退款当前不能这样处理")
    REFUND_REROUTE_UNSUPPORTED = (409, "当前微信支付为 APIv2 模式，不支持异常退款改退银行卡，请改退到余额")
    REFUND_REROUTE_REFUSED = (409, "微信未受理本次异常退款处理")
    PASSWORD_REQUIRED = (403, "金额较大，请输入登录密码进行二次验证")
    PASSWORD_INCORRECT = (403, "密码错误")
    LOGIN_FAILED = (401, "用户名或密码错误")
    TOO_MANY_REQUESTS = (429, "操作过于频繁，请稍后再试")
    WECHAT_ERROR = (502, "微信服务暂时不可用，请稍后重试")
    SERVICE_UNAVAILABLE = (503, "服务暂时不可用")
    AFTER_SALE_NOT_FOUND = (404, "售后单不存在")
    AFTER_SALE_WINDOW_CLOSED = (409, "已超过售后期限")
    AFTER_SALE_WRONG_STATE = (409, "售后单当前状态不允许此操作")
    COUPON_NOT_GRANTABLE = (409, "该优惠券不可发放")
    REFUND_OVER_ROLE_LIMIT = (403, "退款金额超出您的权限，请交由主管处理")
    SHOPPER_BANNED = (403, "您的账号已被限制使用，如有疑问请联系客服")
    UNPAID_ORDERS_LIMIT = (409, "待付款订单过多，请先支付或取消已有订单")
    PAYLOAD_TOO_LARGE = (413, "上传内容过大")
    UPLOAD_QUOTA_EXCEEDED = (409, "今日上传的图片已达上限，请明天再试")
    SHIPMENT_CORRECTION_USED = (409, "微信只允许修改一次发货信息，该订单已修改过，请联系顾客说明")
    RECEIPT_NOT_CONFIRMED_IN_WECHAT = (409, "微信尚未确认收货，请在微信确认收货页面完成确认")
    COMPLAINT_NOT_FOUND = (404, "投诉单不存在")
    COMPLAINT_ACTION_NOT_ALLOWED = (409, "该投诉当前不能这样处理")
    BALANCE_INSUFFICIENT = (409, "账户余额不足")
    COMPLAINTS_UNSUPPORTED = (409, "消费者投诉仅支持微信支付 APIv3，当前为 APIv2 模式")
    COMPLAINT_REFUSED_BY_WECHAT = (409, "微信未受理本次投诉处理")
    INVOICE_NOT_FOUND = (404, "发票申请不存在")
    INVOICE_NOT_ALLOWED = (409, "该订单当前不能申请发票")
    INVOICE_ACTION_NOT_ALLOWED = (409, "该发票当前不能这样处理")
    EXPORT_TOO_LARGE = (409, "超过 10000 条，请用“后台导出”，完成后下载")
    EXPORT_NOT_FOUND = (404, "导出文件不存在或已过期，请重新导出")

    @property
    def http_status(self) -> int:
        return self.value[0]

    @property
    def default_message(self) -> str:
        return self.value[1]


class DomainError(Exception):
    """A rule said no. Carries a code, a Chinese message and optional field details."""

    def __init__(self, code: ErrorCode, message: str | None = None, details: dict | None = None):
        self.code = code
        self.message = message or code.default_message
        self.details = details
        self.audit: tuple | None = None
        super().__init__(f"{code.name}: {self.message}")

    def audited_as(self, *record_args) -> "DomainError":
        """Ask for an audit row (services.audit.record's arguments) written after the refused action
        rolled back, e.g. a wrong password re-entry."""
        self.audit = record_args
        return self

    def to_dict(self) -> dict:
        body = {"code": self.code.name, "message": self.message}
        if self.details:
            body["details"] = self.details
        return {"error": body}

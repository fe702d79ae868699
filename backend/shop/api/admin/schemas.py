"""Admin request and response shapes (they make the /api/admin part of the OpenAPI document)."""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, post_dump, validate

from ...domain.actors import STAFF_ROLES
from ...domain.orders import OrderStatus, RefundStatus
from ...domain.refunds import RefundState
from ...services.stats import GROUPS
from ..schemas import ModifyInSchema, OrderSchema, OrderSummarySchema, ShanghaiDateTime
from ..ids import DB_ID_MAX, id_field, quantity_field
from .common import XLSX_MIMETYPE, plain

ORDER_SORTS = ["created_at", "total_fen", "paid_at"]


class PassThroughMixin:
    """Keep keys the schema does not declare (fields other services add to an order's detail)."""

    @post_dump(pass_original=True)
    def keep_extra(self, data, original, **kwargs):
        if isinstance(original, dict):
            for key, value in original.items():
                if key not in data:
                    data[key] = plain(value)
        return data


class AdminPageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class DateRangeArgsSchema(Schema):
    date_from = fields.Date(data_key="from", load_default=None, metadata={"description": "起始日期（含），上海时间"})
    date_to = fields.Date(data_key="to", load_default=None, metadata={"description": "结束日期（含），上海时间"})


class LoosePageSchema(Schema):
    items = fields.List(fields.Dict())
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


# ---- auth and staff -------------------------------------------------------------------------


class StaffLoginInSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = fields.String(required=True, validate=validate.Length(min=1, max=128), load_only=True)


class StaffSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String()
    role = fields.String(metadata={"description": "|".join(STAFF_ROLES)})
    role_label = fields.String()
    active = fields.Boolean()
    permissions = fields.List(fields.String())
    created_at = ShanghaiDateTime()


class StaffLoginOutSchema(Schema):
    token = fields.String()
    expires_in = fields.Integer(metadata={"description": "seconds"})
    staff = fields.Nested(StaffSchema)


class StaffCreateSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(load_default="", validate=validate.Length(max=40))
    role = fields.String(required=True, validate=validate.OneOf(list(STAFF_ROLES), error="角色不存在"))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=128, error="密码至少 10 位"),
                             metadata={"description": "at least 10 characters, not a common password"})
    current_password = fields.String(load_default=None, load_only=True, validate=validate.Length(max=128),
                                     metadata={"description": "二次验证: the administrator's own password"})


class StaffPatchSchema(Schema):
    role = fields.String(validate=validate.OneOf(list(STAFF_ROLES), error="角色不存在"))
    active = fields.Boolean()
    name = fields.String(validate=validate.Length(min=1, max=40))
    password = fields.String(load_only=True, validate=validate.Length(min=10, max=128, error="密码至少 10 位"),
                             metadata={"description": "reset the password (at least 10 characters, not a common "
                                                      "password); ends the member's sessions"})
    current_password = fields.String(load_default=None, load_only=True, validate=validate.Length(max=128),
                                     metadata={"description": "二次验证: the administrator's own password"})


class AuditArgsSchema(AdminPageArgsSchema, DateRangeArgsSchema):
    staff_id = id_field(query=True, load_default=None)
    staff_name = fields.String(load_default=None)
    action = fields.String(load_default=None, metadata={"description": "exact action, or a prefix like order"})
    target_type = fields.String(load_default=None)
    target_id = fields.String(load_default=None)


class AuditLogSchema(Schema):
    id = fields.Integer()
    staff_id = fields.Integer(allow_none=True)
    staff_name = fields.String()
    role = fields.String()
    role_label = fields.Function(lambda row: STAFF_ROLES.get(row.role, row.role))
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String()
    ip = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    created_at = ShanghaiDateTime()


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditLogSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


# ---- orders (Q2, O6, C3) --------------------------------------------------------------------


class OrderSearchArgsSchema(AdminPageArgsSchema):
    order_no = fields.String(load_default=None, validate=validate.Length(max=32))
    shopper = fields.String(load_default=None, validate=validate.Length(max=40),
                            metadata={"description": "收货人或顾客昵称，或手机号（精确匹配）"})
    product = fields.String(load_default=None, validate=validate.Length(max=40), metadata={"description": "商品名称（包含）"})
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in OrderStatus]))
    refund_status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in RefundStatus]))
    created_from = fields.Date(load_default=None, metadata={"description": "下单日期起（含），上海时间"})
    created_to = fields.Date(load_default=None, metadata={"description": "下单日期止（含），上海时间"})
    amount_min_fen = fields.Integer(load_default=None, validate=validate.Range(min=0, max=DB_ID_MAX))
    amount_max_fen = fields.Integer(load_default=None, validate=validate.Range(min=0, max=DB_ID_MAX))
    shopper_id = id_field(query=True, load_default=None)
    sort = fields.String(load_default="created_at", validate=validate.OneOf(ORDER_SORTS))
    direction = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))


class AdminOrderRowSchema(OrderSummarySchema):
    shopper_id = fields.Integer()
    shopper_nickname = fields.String()
    receiver_name = fields.String()
    receiver_phone = fields.String()
    paid_at = ShanghaiDateTime(allow_none=True)


class AdminOrderPageSchema(Schema):
    items = fields.List(fields.Nested(AdminOrderRowSchema))
    total = fields.Integer()
    total_capped = fields.Boolean(metadata={"description": "more matches exist than `total` (show 10000+)"})
    page = fields.Integer()
    per_page = fields.Integer()
    status_counts = fields.List(fields.Nested(lambda: OrderStatusCountSchema()),
                                metadata={"description": "状态页签：各状态在其余筛选条件下的数量（每个最多 10000）"})


class OrderStatusCountSchema(Schema):
    status = fields.String()
    label = fields.String()
    count = fields.Integer()
    capped = fields.Boolean(metadata={"description": "there may be more than `count` (show `count`+): past 10000, "
                                                      "or, with a product filter, past 10000 matches in all "
                                                      "(each status then shows how many it has among them)"})


class OrderExportSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "queued 排队中 / running 生成中 / ready 可下载 / failed 失败"})
    done = fields.Integer(metadata={"description": "已写入的行数"})
    total = fields.Integer()
    total_capped = fields.Boolean()
    progress = fields.Integer(metadata={"description": "0–100"})


class AdminOrderSchema(PassThroughMixin, OrderSchema):
    shopper_id = fields.Integer()
    shopper = fields.Dict()


class ShipInSchema(Schema):
    carrier = fields.String(required=True, validate=validate.Length(min=1, max=40))
    tracking_no = fields.String(required=True, validate=validate.Length(min=1, max=40))


class StaffModifyInSchema(ModifyInSchema):
    password = fields.String(load_default=None, load_only=True,
                             metadata={"description": "二次验证：减少数量的退款使本单累计退款达到阈值时重新输入登录密码（R12）"})


class StaffModifyPreviewSchema(Schema):
    refund_fen = fields.Integer(required=True, metadata={"description": "修改后退还的差价（分），不退款为 0"})
    allowed = fields.Boolean(required=True, metadata={"description": "当前角色能否确认（超出退款权限为 false）"})
    password_required = fields.Boolean(required=True, metadata={"description": "确认时是否需再次输入密码"})
    message = fields.String(required=True, metadata={"description": "给员工看的说明（中文）"})


class CarrierSchema(Schema):
    code = fields.String(metadata={"description": "WeChat's carrier code (delivery_id)"})
    name = fields.String()


class StaffRefundLineSchema(Schema):
    line_id = id_field(required=True)
    quantity = quantity_field(required=True)


class StaffRefundInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["lines", "amount", "shipping"]),
                         metadata={"description": "lines 退商品 / amount 补偿或差价金额 / shipping 退运费"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200, error="请填写退款原因（顾客会看到）"))
    lines = fields.List(fields.Nested(StaffRefundLineSchema), load_default=None, metadata={"description": "kind=lines"})
    amount_fen = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=1, max=DB_ID_MAX),
                                metadata={"description": "kind=amount"})
    method = fields.String(load_default="wechat", validate=validate.OneOf(["wechat", "balance"]),
                           metadata={"description": "wechat 原路退回 / balance 退回余额"})
    coupon_id = id_field(load_default=None, allow_none=True, metadata={"description": "补偿券（优惠券模板 id）"})
    password = fields.String(load_default=None, load_only=True,
                             metadata={"description": "二次验证：本单累计退款达到阈值时重新输入登录密码（R12）"})


class StaffRefundPreviewInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["lines", "amount", "shipping"]),
                         metadata={"description": "lines 退商品 / amount 补偿或差价金额 / shipping 退运费"})
    lines = fields.List(fields.Nested(StaffRefundLineSchema), load_default=None, metadata={"description": "kind=lines"})
    amount_fen = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=1, max=DB_ID_MAX),
                                metadata={"description": "kind=amount"})


class StaffRefundPreviewSchema(Schema):
    amount_fen = fields.Integer(required=True, metadata={"description": "本次将退金额（分）"})
    shipping_fen = fields.Integer(required=True, metadata={"description": "其中运费（分）"})
    allowed = fields.Boolean(required=True, metadata={"description": "当前角色能否发起（超出退款权限为 false）"})
    password_required = fields.Boolean(required=True, metadata={"description": "确认时是否需再次输入密码"})
    message = fields.String(required=True, metadata={"description": "给员工看的说明（中文）"})


class StaffCancelInSchema(Schema):
    reason_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    reason_text = fields.String(load_default="", validate=validate.Length(max=200))
    password = fields.String(load_default=None, load_only=True,
                             metadata={"description": "二次验证：金额超过阈值时重新输入登录密码"})


# ---- requests and after-sales (C2–C4, M3, A2) -----------------------------------------------


class RequestArgsSchema(AdminPageArgsSchema):
    kind = fields.String(load_default=None, validate=validate.OneOf(["cancel", "modify", "after_sale"]))
    status = fields.String(load_default="pending",
                           validate=validate.OneOf(["pending", "approved", "rejected", "withdrawn", "all"]))
    escalated = fields.Boolean(load_default=None, metadata={"description": "true: only after-sales cases escalated "
                                                                           "for a late reply (A3)"})


class ApproveInSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=500))
    password = fields.String(load_default=None, load_only=True,
                             metadata={"description": "二次验证：本单累计退款达到阈值时重新输入登录密码（R12）"})


class RejectInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500, error="请填写拒绝原因"))


class AlternativeInSchema(Schema):
    class Meta:
        unknown = INCLUDE

    kind = fields.String(load_default="other", validate=validate.OneOf(["replacement_sku", "faster_shipping", "other"]))
    sku_id = id_field(load_default=None, metadata={"description": "建议替换的商品规格"})
    message = fields.String(required=True, validate=validate.Length(min=1, max=500, error="请填写替代方案说明"))


class AfterSaleArgsSchema(AdminPageArgsSchema):
    status = fields.String(load_default=None)


class ReceiveInSchema(Schema):
    resellable = fields.Boolean(required=True, metadata={"description": "退回商品能否二次销售"})


class ProposeInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(
        ["change_type", "change_amount", "more_evidence", "withdraw"], error="不支持的协商方式"), metadata={
        "description": "change_type 改为仅退款（无需退货）/ change_amount 部分退款 / more_evidence 补充凭证 / "
                       "withdraw 建议撤销申请"})
    amount_fen = fields.Integer(load_default=None, validate=validate.Range(min=1, error="协商退款金额须大于 0"),
                                metadata={"description": "部分退款金额（分）；改为仅退款时可选"})
    message = fields.String(load_default="", validate=validate.Length(max=500, error="说明最多 500 字"))
    password = fields.String(load_default=None, load_only=True,
                             metadata={"description": "二次验证：协商的退款使本单累计退款达到阈值时重新输入登录密码（R12）"})


# ---- refunds and reconciliation (R1, R4, R6) ------------------------------------------------


class RefundArgsSchema(AdminPageArgsSchema, DateRangeArgsSchema):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in RefundState]))
    order_no = fields.String(load_default=None, validate=validate.Length(max=32))


class RefundAttemptSchema(Schema):
    number = fields.Integer()
    outcome = fields.String()
    error_code = fields.String(allow_none=True)
    error_message = fields.String(allow_none=True)
    operator = fields.String()
    created_at = ShanghaiDateTime()


class RefundLedgerSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    order_no = fields.String()
    out_refund_no = fields.String()
    amount_fen = fields.Integer()
    shipping_fen = fields.Integer()
    method = fields.String()
    method_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    source = fields.String()
    reason = fields.String()
    wechat_refund_id = fields.String(allow_none=True)
    attempts = fields.Integer()
    last_error_code = fields.String(allow_none=True)
    last_error_message = fields.String(allow_none=True)
    next_attempt_at = ShanghaiDateTime(allow_none=True)
    created_by = fields.String()
    created_at = ShanghaiDateTime()
    submitted_at = ShanghaiDateTime(allow_none=True)
    succeeded_at = ShanghaiDateTime(allow_none=True)
    retryable = fields.Boolean()
    attempt_log = fields.List(fields.Nested(RefundAttemptSchema))
    replaced_by_id = fields.Integer(allow_none=True, metadata={"description": "the refund that replaced this one (W2)"})
    abnormal_route = fields.String(allow_none=True, metadata={"description": "user_bank_card | merchant_bank_card"})
    actions = fields.List(fields.String(), metadata={
        "description": "what the caller may do now: retry, reroute_to_user_bank_card, reroute_to_merchant_bank_card, "
                       "refund_to_balance, reissue"})
    action_labels = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "the button text of each action"})


class RefundRerouteSchema(Schema):
    """apply-abnormal-refund: to the shopper's bank card (bank fields required) or the merchant's."""
    route = fields.String(required=True, validate=validate.OneOf(["user_bank_card", "merchant_bank_card"],
                                                                 error="退款去向须为顾客银行卡或商户银行卡"))
    bank_type = fields.String(load_default=None, validate=validate.Length(max=32),
                              metadata={"description": "WeChat's bank code, e.g. ICBC_DEBIT"})
    bank_account = fields.String(load_default=None,
                                 validate=validate.Regexp(r"^\d{12,32}$", error="银行卡号应为 12-32 位数字"))
    real_name = fields.String(load_default=None, validate=validate.Length(min=1, max=40))


class RefundPageSchema(Schema):
    items = fields.List(fields.Nested(RefundLedgerSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class ReconciliationRunInSchema(Schema):
    date = fields.Date(required=True, metadata={"description": "账单日期"})


class MismatchArgsSchema(Schema):
    run_id = id_field(query=True, load_default=None)
    unresolved_only = fields.Boolean(load_default=True)


# ---- stats (S1, S2) -------------------------------------------------------------------------


class StatsArgsSchema(DateRangeArgsSchema):
    group_by = fields.String(load_default="day", validate=validate.OneOf(list(GROUPS)))


class StatsExportArgsSchema(StatsArgsSchema):
    report = fields.String(load_default="cancellations", validate=validate.OneOf(["cancellations", "refunds"]))


class StatsReportSchema(Schema):
    report = fields.String()
    group_by = fields.String()
    date_from = fields.String(data_key="from")
    date_to = fields.String(data_key="to")
    rows = fields.List(fields.Dict())
    totals = fields.Dict()


# ---- inventory (I1, I3) ---------------------------------------------------------------------


class InventoryArgsSchema(AdminPageArgsSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=40), metadata={"description": "商品名称或 SKU 编码"})
    category_id = id_field(query=True, load_default=None)
    low_stock = fields.Integer(load_default=None, validate=validate.Range(min=0, max=DB_ID_MAX),
                               metadata={"description": "只看库存不高于此数的 SKU"})


class AdjustInSchema(Schema):
    change = fields.Integer(required=True, validate=validate.Range(min=-100000, max=100000))
    note = fields.String(required=True, validate=validate.Length(min=1, max=200, error="请填写调整原因"))


# ---- risk (K1) ------------------------------------------------------------------------------


class RiskArgsSchema(AdminPageArgsSchema):
    flagged = fields.Boolean(load_default=True)


class FlagInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200, error="请填写原因"))


class SettingsInSchema(Schema):
    """Any subset of the settings' keys with new values (see GET /settings for keys and types)."""

    class Meta:
        unknown = INCLUDE


class SettingSchema(Schema):
    key = fields.String()
    label = fields.String()
    value = fields.Raw()
    default = fields.Raw()
    type = fields.String(metadata={"description": "integer | boolean | reasons ({code: label})"})


class SettingsSchema(Schema):
    items = fields.List(fields.Nested(SettingSchema))
    wechat_platform = fields.Dict(metadata={
        "description": "WeChat's answer at the last check (read only): trade_managed (发货信息管理服务), "
                       "checked_at, msg_jump_path, label"})


# ---- documented shapes of answers built by services as dicts ----------------------------------


class OpenObjectSchema(PassThroughMixin, Schema):
    """An object with the keys declared here, and any others the service adds (kept, not dropped)."""

    class Meta:
        unknown = INCLUDE


class ActionsMixin(Schema):
    actions = fields.List(fields.Raw(), metadata={"description": "当前员工此刻可做的操作（按钮只按此绘制）"})


class RefundRouteSchema(Schema):
    route = fields.String(metadata={"description": "wechat | balance"})
    amount_fen = fields.Integer()
    label = fields.String(metadata={"description": "原路退回微信支付 | 原路退回账户余额"})


class RequestDetailSchema(ActionsMixin, OpenObjectSchema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    refund_fen = fields.Integer(allow_none=True, metadata={
        "description": "同意后退款的金额（分）：取消 = 订单未退的全部；售后 = 售后单约定金额（退货退款在确认收到退货后退）；"
                       "修改 = 减少数量的差价；不涉及退款（换货、维修）或无法计算时为 null"})
    refund_routes = fields.List(fields.Nested(RefundRouteSchema), metadata={
        "description": "这笔退款原路退回到哪里：微信支付、账户余额（余额支付的部分），各多少"})
    refund_after_receipt = fields.Boolean(metadata={"description": "退货退款：退款在商家确认收到退货后发生"})
    confirm_text = fields.String(allow_none=True, metadata={
        "description": "同意前的确认文字（含金额与退款去向），后台原样显示；已处理的申请为 null"})


class RequestPageSchema(LoosePageSchema):
    items = fields.List(fields.Nested(RequestDetailSchema))


class AfterSaleDetailSchema(ActionsMixin, OpenObjectSchema):
    id = fields.Integer()
    status = fields.String()
    confirm_text = fields.String(allow_none=True, metadata={
        "description": "同意前的确认文字（含金额与退款去向，与审核页相同），后台原样显示；当前员工不能同意时为 null"})


class RiskShopperSchema(ActionsMixin, OpenObjectSchema):
    id = fields.Integer()
    nickname = fields.String(allow_none=True)
    banned = fields.Boolean()
    risk_flagged = fields.Boolean()


class ItemListSchema(OpenObjectSchema):
    items = fields.List(fields.Dict())


class PeriodSchema(OpenObjectSchema):
    """A figure over a period (上海日期, both ends included)."""
    date_from = fields.String(data_key="from")
    date_to = fields.String(data_key="to")


class PurchaseAdviceSchema(PeriodSchema, ItemListSchema):
    pass


class ReconciliationRunSchema(OpenObjectSchema):
    id = fields.Integer()
    status = fields.String()
    bill_date = fields.String()
    mismatches = fields.Raw()


class StatsSummarySchema(PeriodSchema):
    orders = fields.Integer()
    paid_fen = fields.Integer()
    refund_fen = fields.Integer()


class AdminMetaSchema(OpenObjectSchema):
    """Every Chinese name the admin shows, by kind: {kind: {code: 中文}} (see GET /api/admin/meta)."""


class TodoSchema(OpenObjectSchema):
    today = fields.Raw()
    todo = fields.Raw()


XLSX_DOC = {"responses": {"200": {"content": {
    XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}}}}
CSV_DOC = {"responses": {"200": {"content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}}}


class SkuStockSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    stock = fields.Integer()

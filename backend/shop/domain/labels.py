"""The Chinese words staff read for machine codes that have no label next to them elsewhere: the order
buttons, audit actions, modification fields, reconciliation statuses and WeChat's error codes (with
what finance can do about each). `services.meta` gathers these with the labels kept beside their rules
(order, refund and after-sales statuses, permissions, roles, settings) into GET /api/admin/meta."""
from __future__ import annotations

from .money import yuan

# Buttons on order rows (domain.orders.staff_actions), request rows (request_actions) and after-sales cases.
ACTION_LABELS = {
    "accept": "受理", "ship": "发货", "correct_shipment": "修改发货信息", "mark_delivered": "标记已签收",
    "cancel": "取消订单", "modify": "修改订单", "refund": "发起退款", "retry_refund": "重试退款",
    "approve_cancel": "同意取消", "reject_cancel": "拒绝取消", "approve_modify": "同意修改", "reject_modify": "拒绝修改",
    "approve_after_sale": "同意售后", "reject_after_sale": "拒绝售后", "offer_alternative": "提供替代方案",
    "approve": "同意", "reject": "拒绝", "propose": "协商", "receive": "确认收货",
    "ship_replacement": "寄出换货", "return_repaired": "寄回维修件",
    "respond": "回复用户", "update_refund_progress": "更新退款进度", "complete": "反馈处理完成",
    "issue": "开具发票", "record_red": "冲红/重开", "download": "下载发票", "request_invoice": "申请发票",
    # the shopper's buttons in the mini-program: on an order (domain.orders.shopper_actions) and on its open
    # request (domain.cancellation.shopper_request_actions)
    "pay": "去支付", "confirm_receipt": "确认收货", "confirm_receipt_in_wechat": "确认收货", "after_sale": "申请售后",
    "feedback": "评价取消体验", "view_refund": "退款进度", "delete": "删除订单",
    "withdraw": "撤回申请", "accept_alternative": "接受方案", "decline_alternative": "不接受",
    # ... and on their after-sales case (domain.after_sales.shopper_case_actions)
    "accept_proposal": "接受方案", "decline_proposal": "不同意", "add_evidence": "提交凭证",
    "submit_return_shipment": "提交寄回信息",
}

# The order in which the mini-program draws the shopper's buttons (left to right; the primary, red one last).
SHOPPER_BUTTON_ORDER = ("delete", "feedback", "view_refund", "modify", "cancel", "after_sale", "confirm_receipt",
                        "confirm_receipt_in_wechat", "pay", "decline_alternative", "withdraw", "accept_alternative",
                        "request_invoice", "download")
SHOPPER_PRIMARY_ACTIONS = frozenset({"pay", "confirm_receipt", "confirm_receipt_in_wechat", "accept_alternative"})


DELETE_WARNING = "删除后，该订单将不再显示在您的订单列表中，也无法再申请售后、查看评价或物流信息。此操作不可恢复。"

# What the mini-program asks before a button that cannot be undone (title, content, confirm button) and says after it.
SHOPPER_CONFIRMATIONS = {
    "delete": {"title": "删除订单", "content": DELETE_WARNING, "confirm_text": "删除"},
    "confirm_receipt": {"title": "确认收货", "content": "请确认已收到全部商品且无问题。确认后订单完成，如有问题仍可申请售后。",
                        "confirm_text": "确认收货"},
    "withdraw": {"title": "撤回申请", "content": "撤回后商家将不再处理该申请，订单按原样继续。确定撤回吗？", "confirm_text": "撤回"},
    "accept_alternative": {"title": "接受商家方案", "content": "接受后取消申请结束，订单按以下方案继续：{offer}",
                           "confirm_text": "接受"},
    "decline_alternative": {"title": "不接受方案", "content": "不接受后，你的取消申请将交回商家继续处理。",
                            "confirm_text": "不接受"},
}
SHOPPER_DONE = {"delete": "订单已删除", "confirm_receipt": "已确认收货", "confirm_receipt_in_wechat": "已确认收货",
                "withdraw": "已撤回申请", "accept_alternative": "已接受方案", "decline_alternative": "已告知商家"}


def shopper_buttons(actions: list[str], offer: str = "") -> list[dict]:
    """The shopper's `actions` as the buttons the mini-program draws, in display order: action, label, primary,
    and where it applies the confirmation to ask first (confirm: title, content, confirm_text; `offer` is the staff
    alternative the request's accept button names) and the toast once done (done). Its words come from here,
    never from the mini-program."""
    def confirmation(code: str) -> dict | None:
        asked = SHOPPER_CONFIRMATIONS.get(code)
        return {**asked, "content": asked["content"].format(offer=offer)} if asked else None
    return [{"action": code, "label": ACTION_LABELS[code], "primary": code in SHOPPER_PRIMARY_ACTIONS,
             "confirm": confirmation(code), "done": SHOPPER_DONE.get(code)}
            for code in SHOPPER_BUTTON_ORDER if code in actions]

# The status tabs of the mini-program's order list (GET /api/mp/orders sends them with their counts), in order; the
# keys are the `status` filter of that list (services.queries.SHOPPER_TABS, plus all).
SHOPPER_ORDER_TABS = {"all": "全部", "pending_payment": "待付款", "paid": "待发货", "shipped": "待收货",
                      "completed": "已完成", "cancelled": "已取消", "refund": "退款/售后"}


def shopper_order_tabs(counts: dict[str, int]) -> list[dict]:
    """The order list's tabs as the mini-program draws them: key, label, count (orders in the tab)."""
    return [{"key": key, "label": label, "count": counts.get(key, 0)} for key, label in SHOPPER_ORDER_TABS.items()]


# What the 操作日志 page shows for each audited action.
AUDIT_ACTION_LABELS = {
    "auth.login": "登录", "auth.logout": "退出登录", "auth.password_recheck": "二次验证密码",
    "auth.password_recheck_failed": "二次验证密码失败",
    "order.accept": "受理订单", "order.ship": "订单发货", "order.cancel": "取消订单", "order.modify": "修改订单",
    "order.correct_shipment": "修改物流信息", "order.mark_delivered": "标记已送达", "order.refund": "员工退款",
    "order.export": "导出订单", "batch.submit": "提交批量操作",
    "request.approve": "同意申请", "request.reject": "拒绝申请", "request.alternative": "提供替代方案",
    "after_sale.propose": "售后协商", "after_sale.receive": "确认收到退货", "after_sale.ship_replacement": "寄出换货",
    "after_sale.return_repaired": "寄回维修件",
    "refund.retry": "重试退款", "refund.resolve": "处理异常退款", "refund.reroute": "改为其他方式退款",
    "refund.to_balance": "退回账户余额", "refund.reissue": "重新发起退款",
    "complaint.respond": "回复投诉", "complaint.update_refund_progress": "更新投诉退款进度",
    "complaint.complete": "投诉处理完成",
    "risk.flag": "加入重点监控", "risk.unflag": "移出重点监控", "risk.ban": "封禁顾客", "risk.unban": "解除封禁",
    "risk.allow_list": "加入白名单",
    "finance.money_check": "资金核对",
    "settings.update": "修改系统设置", "staff.create": "新增员工", "staff.update": "修改员工",
    "coupon.create": "新建优惠券", "coupon.update": "修改优惠券", "coupon.publish": "开放领取优惠券",
    "coupon.unpublish": "停止领取优惠券", "coupon.stop": "停用优惠券", "coupon.issue": "发放优惠券",
    "inventory.adjust": "调整库存", "reconciliation.run": "对账",
    "invoice.issue": "开具发票", "invoice.reject": "驳回发票申请", "invoice.record_red": "发票冲红/重开",
}

# Order columns a modification (M1–M3) may change.
MODIFICATION_FIELD_LABELS = {
    "receiver_name": "收货人", "receiver_phone": "联系电话", "province": "省份", "city": "城市", "district": "区县",
    "address_detail": "详细地址", "remark": "订单备注", "quantities": "商品数量", "lines": "商品数量",
}

# A reconciliation run (the WeChat refund bill against the ledger).
RECONCILIATION_STATUS_LABELS = {"running": "对账中", "matched": "一致", "mismatched": "有差异", "failed": "对账失败"}

# adapters.wechat_errors.ERROR_CODES in words finance can act on.
WECHAT_ERROR_LABELS = {
    "SYSTEMERROR": "微信支付系统繁忙，系统会自动用同一退款单号重试，无需处理",
    "SYSTEM_ERROR": "微信支付系统繁忙，系统会自动用同一退款单号重试，无需处理",
    "BIZERR_NEED_RETRY": "微信退款处理中断，系统会自动用同一退款单号重试",
    "BIZ_ERR_NEED_RETRY": "微信退款处理中断，系统会自动用同一退款单号重试",
    "FREQUENCY_LIMITED": "请求过于频繁，系统会稍后自动重试",
    "-1": "微信接口繁忙，系统会稍后自动重试",
    "45009": "微信接口今日调用次数已用完，明日自动恢复",
    "45011": "微信接口每分钟调用次数已用完，系统会稍后重试",
    "NOTENOUGH": "商户号可用余额不足：请财务在微信支付商户平台充值后，在退款页点击重试",
    "NOT_ENOUGH": "商户号可用余额不足：请财务在微信支付商户平台充值后，在退款页点击重试",
    "INVALID_REQUEST": "退款请求不符合微信规则（如退款金额超过可退金额）：请核对订单金额后改用其他方式退款",
    "REFUND_FEE_MISMATCH": "同一退款单号的金额与之前不一致：请联系技术人员核查",
    "ERROR": "微信拒绝退款（如订单已全额退款）：请在商户平台核实后改用其他方式",
    "TRADE_OVERDUE": "订单超过微信可退款期限（一年）：请改为退回账户余额或线下转账",
    "USER_ACCOUNT_ABNORMAL": "顾客微信账户已注销或冻结：请改为退回账户余额或线下转账",
    "INVALID_REQ_TOO_MUCH": "该订单部分退款次数已达微信上限：请合并后改用其他方式退款",
    "INVALID_TRANSACTIONID": "微信支付单号无效：请联系技术人员核查",
    "ORDERPAID": "订单已支付",
    "ORDER_PAID": "订单已支付",
    "ORDERCLOSED": "订单已在微信关闭",
    "ORDER_CLOSED": "订单已在微信关闭",
    "ORDERNOTEXIST": "微信查无此订单（或尚未支付）：请在商户平台核实",
    "ORDER_NOT_EXIST": "微信查无此订单：请在商户平台核实",
    "RESOURCE_NOT_EXISTS": "微信查无此订单或退款：请在商户平台核实",
    "REFUNDNOTEXIST": "微信查无此退款：请在商户平台核实",
    "OUT_TRADE_NO_USED": "商户订单号已被其他参数使用：请联系技术人员",
    "NOAUTH": "商户号没有该接口权限：请在商户平台开通后重试",
    "NO_AUTH": "商户号没有该接口权限：请在商户平台开通后重试",
    "PARAM_ERROR": "请求参数格式错误：请联系技术人员",
    "LACK_PARAMS": "请求缺少参数：请联系技术人员",
    "APPID_NOT_EXIST": "配置错误：小程序 AppID 不正确，请联系技术人员",
    "MCHID_NOT_EXIST": "配置错误：商户号不正确，请联系技术人员",
    "MCH_NOT_EXISTS": "配置错误：商户号不正确，请联系技术人员",
    "APPID_MCHID_NOT_MATCH": "配置错误：AppID 与商户号不匹配，请联系技术人员",
    "SIGNERROR": "配置错误：API 密钥不正确，请联系技术人员",
    "SIGN_ERROR": "配置错误：请求签名被拒绝（密钥或证书序列号），请联系技术人员",
    "RETURN_FAIL": "微信拒绝了请求本身，请查看错误详情后联系技术人员",
    "CERT_REQUIRED": "配置错误：正式环境退款需要商户证书和私钥，请联系技术人员",
    "40029": "小程序登录凭证无效，请顾客重新进入小程序",
    "40003": "顾客 openid 无效",
    "40037": "订阅消息模板 ID 无效：请检查消息模板配置",
    "43101": "顾客未同意接收该订阅消息，本次通知未送达",
    "47003": "订阅消息内容与模板不符：请联系技术人员",
    "NO_STATEMENT_EXIST": "微信当日账单尚未生成或无交易，稍后再对账",
}


# The shopper's buttons on an after-sales case: their order, what to ask first ({proposal}: the staff proposal's
# words) and what to say once done.
CASE_BUTTON_ORDER = ("withdraw", "decline_proposal", "accept_proposal", "add_evidence", "submit_return_shipment")
CASE_PRIMARY_ACTIONS = frozenset({"accept_proposal", "add_evidence", "submit_return_shipment"})
CASE_CONFIRMATIONS = {
    "withdraw": {"title": "撤回售后申请", "content": "撤回后商家将不再处理该申请。确定撤回吗？", "confirm_text": "撤回"},
    "accept_proposal": {"title": "接受协商方案", "content": "{proposal}", "confirm_text": "接受"},
    "decline_proposal": {"title": "不同意协商方案", "content": "将交回商家重新处理。确定不同意吗？", "confirm_text": "不同意"},
}
CASE_DONE = {"withdraw": "已撤回申请", "accept_proposal": "已接受", "decline_proposal": "已交回商家处理",
             "add_evidence": "凭证已提交", "submit_return_shipment": "已提交寄回信息"}


def shopper_case_buttons(actions: list[str], proposal: str = "") -> list[dict]:
    """An after-sales case's `actions` as the mini-program's buttons, like shopper_buttons."""
    def confirmation(code: str) -> dict | None:
        asked = CASE_CONFIRMATIONS.get(code)
        return {**asked, "content": asked["content"].format(proposal=proposal or "确定接受商家的方案吗？")} \
            if asked else None
    return [{"action": code, "label": ACTION_LABELS[code], "primary": code in CASE_PRIMARY_ACTIONS,
             "confirm": confirmation(code), "done": CASE_DONE.get(code)}
            for code in CASE_BUTTON_ORDER if code in actions]


# ---- what 同意 on a request moves (issue 12 item 7): the admin's 审核 confirmation, shown verbatim -----------------

# Where each part of an original-route refund goes (domain.balance.original_route_parts).
REFUND_ROUTE_LABELS = {"wechat": "原路退回微信支付", "balance": "原路退回账户余额"}


def _fen(fen: int) -> str:
    return f"¥{yuan(fen)}"


def refund_words(refund_fen: int | None, routes: list[tuple[str, int]], verb: str = "退款") -> str:
    """"退款 ¥12.34，原路退回微信支付"; split: "退款 ¥100.00：¥60.00 原路退回微信支付，¥40.00 原路退回账户余额";
    "" when no money moves."""
    if not refund_fen:
        return ""
    if len(routes) == 1:
        return f"{verb} {_fen(refund_fen)}，{REFUND_ROUTE_LABELS.get(routes[0][0], routes[0][0])}"
    if not routes:
        return f"{verb} {_fen(refund_fen)}"
    return f"{verb} {_fen(refund_fen)}：" + "，".join(f"{_fen(fen)} {REFUND_ROUTE_LABELS.get(route, route)}"
                                                  for route, fen in routes)


def approve_confirmation(kind: str, kind_label: str, refund_fen: int | None, routes: list[tuple[str, int]],
                         case_type: str | None = None, case_type_label: str | None = None) -> str:
    """The whole question staff answer before 同意 on a request: what happens, and the money it refunds with
    its route (cancel: the order's remaining money; after-sales: the case's agreed amount, 退货退款 once the goods
    are received; modification: the difference of its decreases). `refund_fen` None: the amount is unknown."""
    question = f"确认同意该{kind_label}" + (f"（{case_type_label}）" if case_type_label else "") + "？"
    money = refund_words(refund_fen, routes, "退还差价" if kind == "modify" else "退款")
    if kind == "cancel":
        outcome = "同意后订单将取消" + (f"，并{money}" if money else "")
    elif kind == "modify":
        outcome = "同意后按申请修改订单" + (f"，并{money}" if money else
                                          "，不涉及退款" if refund_fen == 0 else "")
    elif case_type == "refund_only":
        outcome = f"同意后立即{money}" if money else "同意后按仅退款处理"
    elif case_type == "return_refund":
        outcome = "同意后请顾客寄回商品，商家确认收到退货后" + (money or "退款")
    else:  # 换货 / 维修
        outcome = "同意后请顾客寄回商品，不涉及退款"
    return f"{question}{outcome}。"


# A5's countdown, as domain.after_sales.deadline_label writes it and the mini-program keeps counting it on screen.
COUNTDOWN_WORDS = {"expired": "已超时", "days": "还剩 {days}天{hours}小时", "hours": "还剩 {hours}小时{minutes}分",
                   "minutes": "还剩 {minutes}分钟"}


# The shopper's words in the mini-program (issue 12) that no reply carries beside its data: page titles, headings,
# form labels, placeholders, empty states and toasts, grouped by page, plus `common` (under every page's words) and
# `toast` (what the mini-program says once the server did something). GET /api/mp/words serves it with its version;
# the mini-program (utils/words.js) fills {name} placeholders. Words for when the server cannot be reached stay in
# the mini-program (utils/request.js), since they must show without it.
SHOPPER_WORDS: dict[str, dict[str, str]] = {
    "common": {
        "more": "›", "loading_more": "加载中…", "pull_more": "上拉加载更多", "no_more": "没有更多了",
        "submitting": "正在提交", "deleting": "正在删除", "paying": "正在发起支付", "please_choose": "请选择",
        "contact": "联系客服", "copy": "复制", "confirm": "确定", "cancel": "再想想", "tab_home": "首页", "tab_mine": "我的",
    },
    "countdown": COUNTDOWN_WORDS,
    "toast": {
        "paid": "支付成功", "pay_unfinished": "支付未完成，可稍后继续支付",
        "order_unpaid": "订单已提交，请在 30 分钟内完成支付", "invoice_requested": "发票申请已提交",
        "invoice_download_failed": "发票下载失败，请稍后重试", "feedback_thanks": "感谢你的反馈",
        "cancel_requested": "已提交取消申请，请等待商家审核", "cancelled": "订单已取消",
        "modify_requested": "已提交修改申请，请等待商家同意", "modified": "订单已修改", "modify_nothing": "没有修改任何内容",
        "coupon_claimed": "领取成功", "address_saved": "已保存", "address_imported": "已导入微信地址",
        "address_default": "已设为默认地址", "address_deleted": "已删除",
        "stock_left": "库存仅剩 {stock} 件", "choose_sku": "请选择规格",
        "address_permission": "请在右上角“设置”中允许使用通讯地址后再导入",
    },
    "index": {
        "title": "订单售后商城", "search_placeholder": "搜索商品", "search": "搜索", "all": "全部", "empty": "没有找到商品",
        "price_from": " 起",
    },
    "product": {
        "title": "商品详情", "skus": "规格", "out_of_stock_mark": "（缺货）", "quantity": "数量", "stock": "库存 {stock} 件",
        "buy": "立即购买", "sold_out": "暂时缺货",
    },
    "checkout": {
        "title": "确认订单", "change": "更换 ›", "add_address": "+ 添加收货地址", "remark": "订单备注",
        "remark_placeholder": "选填，200 字以内", "goods_fen": "商品金额", "freight_fen": "运费", "free_freight": "免运费",
        "coupon": "优惠券", "no_coupon": "不使用优惠券", "coupon_option": "{name}（减 {amount}）",
        "coupons_usable": "{count} 张可用 ›", "coupons_none": "暂无可用 ›", "use_balance": "使用余额（可用 {amount}）",
        "payable_fen": "实付款", "address_first": "添加收货地址后显示运费和优惠。", "submit": "提交订单并支付",
        "no_sku": "商品规格不存在", "need_address": "请先添加收货地址", "submitting_order": "正在提交订单",
    },
    "coupon_claim": {
        "title": "领券中心", "empty": "暂时没有可以领取的优惠券", "claim": "领取", "mine": "我的优惠券",
        "valid_days": "领取后 {days} 天内有效", "valid_until": "{date} 前有效", "remaining": "剩余 {count} 张",
        "percent_face": "{rate}折", "claiming": "正在领取",
    },
    "coupon_mine": {
        "title": "我的优惠券", "empty": "这里还没有优惠券", "claim_more": "去领券", "tab_available": "可使用",
        "tab_used": "已使用", "tab_expired": "已过期", "valid_until": "{date} 前有效", "valid_forever": "长期有效",
        "percent_face": "{rate}折",
    },
    "balance": {
        "title": "我的余额", "caption": "当前余额（元）", "hint": "下单时可用余额抵扣，退款按原支付方式退回",
        "balance_after": "余额 {amount}",
    },
    "messages": {"title": "消息中心", "empty": "暂无消息", "view_order": "查看订单 ›"},
    "address_list": {
        "title": "收货地址", "empty": "还没有收货地址", "default_tag": "默认", "is_default": "默认地址",
        "set_default": "设为默认", "edit": "编辑", "delete": "删除", "import": "一键导入微信地址", "add": "新增收货地址",
        "importing": "正在导入", "delete_title": "删除地址", "delete_content": "确定删除这个收货地址吗？已下单的订单不受影响。",
        "delete_confirm": "删除",
    },
    "address_edit": {
        "title": "新增收货地址", "title_edit": "编辑收货地址", "import": "一键导入微信地址", "receiver": "收货人",
        "receiver_placeholder": "请输入收货人姓名", "phone": "手机号", "phone_placeholder": "请输入 11 位手机号",
        "region": "所在地区", "region_placeholder": "请选择省 / 市 / 区", "detail": "详细地址",
        "detail_placeholder": "街道、门牌号、楼栋和房间号", "is_default": "设为默认", "save": "保存", "saving": "正在保存",
        "not_found": "收货地址不存在",
    },
    # the quick checks before the API's own (utils/validate.js), on the address form and the order modification
    "receiver_checks": {
        "need_receiver": "请填写收货人", "receiver_too_long": "收货人不能超过 20 个字", "need_phone": "请填写正确的 11 位手机号",
        "need_region": "请选择所在地区", "detail_too_short": "详细地址至少 4 个字",
    },
    "order_list": {
        "title": "我的订单", "search_placeholder": "搜索订单号或商品名称", "search": "搜索", "clear": "清除",
        "empty": "还没有订单", "empty_search": "没有找到相关订单", "order_no": "订单号",
        "count_paid": "共 {count} 件 实付", "refunded": "已退",
    },
    "mine": {
        "title": "我的", "logging_in": "登录中…", "default_nickname": "微信用户", "avatar": "我",
        "orders": "我的订单", "all_orders": "全部订单 ›", "messages": "消息中心", "addresses": "收货地址",
        "balance": "我的余额", "coupons": "我的优惠券", "claim_coupons": "领券中心",
    },
    "after_sale_apply": {
        "title": "申请售后", "type": "售后类型", "goods": "选择商品", "max": "可申请 {count} 件", "reason": "售后原因",
        "description": "问题描述（选填）", "description_placeholder": "请描述商品问题，便于商家尽快处理",
        "photos": "上传凭证（最多 {count} 张）", "submit": "提交申请", "not_allowed": "该订单当前不可申请售后",
        "uploading": "正在上传图片", "upload_failed": "凭证图片上传失败：{message}",
        "need_type": "请选择售后类型", "need_goods": "请选择要售后的商品", "need_reason": "请选择售后原因",
    },
    "order_detail": {
        "title": "订单详情", "pay_before": "请在 {deadline} 前完成支付，超时订单将自动取消", "parcel": "物流",
        "view_logistics": "查看物流 ›", "copy_tracking": "复制单号", "request_text": "说明：",
        "merchant_reply": "商家答复：", "merchant_offer": "商家建议：", "view_after_sale": "查看售后进度 ›",
        "refunds": "退款进度", "view_details": "查看详情 ›", "invoice": "发票", "receiver": "收货信息",
        "refunded_quantity": "已退 {count} 件", "goods_fen": "商品金额", "shipping_fen": "运费", "discount_fen": "优惠",
        "total_fen": "订单总额", "paid_fen": "实付款", "refunded_fen": "退款", "order_no": "订单编号",
        "created_at": "下单时间", "remark": "备注", "cancel_reason": "取消原因", "question": "对订单有疑问？",
        "message_title": "订单 {order_no}", "timeline": "订单动态", "amount": "金额",
    },
    "after_sale_detail": {
        "title": "售后详情", "merchant_note": "商家说明：", "act_in_time": "请在时限内处理", "waiting_for": "等待{stage}",
        "amount_fen": "退款金额", "reason": "售后原因", "reason_text": "问题描述", "created_at": "申请时间",
        "order": "关联订单", "view_order": "查看订单 ›", "proposal": "商家协商方案：{kind}",
        "evidence_placeholder": "补充说明（选填）", "goods": "售后商品", "refund": "退款", "refund_amount": "金额",
        "expected_arrival": "预计到账", "return_address": "退货地址", "return_shipment": "寄回物流",
        "return_form": "填写寄回信息", "carrier": "快递公司", "tracking_no": "快递单号",
        "tracking_placeholder": "请输入快递单号", "thread": "协商历史",
        "carriers": "顺丰速运、中通快递、圆通速递、韵达快递、申通快递、极兔速递、京东物流、中国邮政 EMS、其他",
        "need_evidence": "请上传凭证或填写说明", "evidence_upload_failed": "凭证上传失败：{message}",
        "need_carrier": "请选择快递公司", "need_tracking_no": "请填写正确的快递单号（6–30 位字母或数字）",
    },
    "order_cancel": {
        "title": "取消订单", "order_no": "订单编号", "total_fen": "订单金额", "reason": "取消原因",
        "text": "补充说明（选填）", "text_placeholder": "可以告诉我们更多原因，帮助我们改进", "submit": "提交取消",
        "not_allowed": "该订单当前不可取消", "need_reason": "请选择取消原因", "need_text": "请填写具体原因",
        "confirm_title": "确定取消订单？", "confirm_text": "确定取消",
        "money_unpaid": "订单尚未付款，取消后不会产生任何费用；使用的优惠券按规则退回。",
        "money_paid": "已付款 {amount}。取消成功后将原路退回微信支付，预计 1–3 个工作日到账；"
                      "若付款已超过免审时间或商家已开始备货，需要商家审核，审核通过后退款。",
    },
    "order_modify": {
        "title": "修改订单", "not_allowed": "该订单当前不可修改", "no_more_lines": "已付款订单不能增加数量，如需更多请另行下单",
        "needs_review": "商家已受理订单，修改需要商家同意后才会生效。", "at_once": "发货前可修改以下内容，提交后立即生效。",
        "fixed_prices": "商品价格和优惠不可修改。", "receiver": "收货信息", "receiver_name": "收货人",
        "receiver_phone": "手机号", "region": "所在地区", "address_detail": "详细地址", "remark": "备注",
        "lines": "商品数量", "lines_fixed": "（不可修改）", "submit_request": "提交修改申请", "save": "保存修改",
    },
    "order_feedback": {
        "title": "评价取消体验", "question": "这次取消订单的体验如何？", "placeholder": "说说你的感受（选填，200 字以内）",
        "submit": "提交评价", "need_rating": "请先选择评分", "rating_1": "非常不满意", "rating_2": "不满意",
        "rating_3": "一般", "rating_4": "满意", "rating_5": "非常满意",
    },
    "order_refund": {
        "title": "退款进度", "empty": "该订单暂无退款", "order_no": "订单编号", "refunded_fen": "退款总额",
        "arrival_note": "退回微信支付的款项一般 1–3 个工作日到账，退回余额即时到账。", "method": "退款方式",
        "reason": "退款原因", "out_refund_no": "退款编号", "step_submitted": "退款申请已提交",
        "step_processing": "微信支付处理中", "step_failed": "退款遇到问题，商家正在处理", "step_arrived": "退款已到账",
        "step_expected": "预计到账",
    },
    "order_logistics": {
        "title": "物流信息", "empty": "商家发货后可在这里查看物流", "copy_tracking": "复制单号", "shipped_at": "发货时间",
        "events": "物流动态", "receiver": "收货信息",
    },
    "invoice": {
        "title": "发票", "heading": "发票", "invoice_no": "发票号码", "personal": "个人", "company": "企业",
        "personal_title": "个人姓名", "company_title": "公司名称", "tax_no": "纳税人识别号",
        "email": "接收电子发票的邮箱", "submit": "提交申请", "unavailable": "该订单暂不能申请发票",
    },
}

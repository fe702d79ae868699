"""The admin's words for the after-sales, money and shop-management pages (one group per page; the words shared by
many pages are `common`, in core.py). Each value is exactly what the page shows; `{name}` marks a value the page
fills in. The words for machine codes (statuses, actions, roles ...) are not here: they come with GET /api/admin/meta
(domain.labels)."""

WORDS: dict[str, dict[str, str]] = {
    # views/after-sales/AfterSaleList.vue
    "after_sales": {
        "status_placeholder": "售后状态", "col_thread": "协商历史", "evidence": "凭证：", "awaiting_shopper": "待顾客回应：{text}",
        "auto_rule": "{text}（{effect}）", "col_case_order": "售后单号 / 订单号", "col_refund": "退款金额",
        "col_status": "状态 / 退货物流", "col_deadline": "处理时限", "deadline": "{stage}：{left}", "col_created": "申请时间",
        "approve": "同意", "reject": "拒绝", "propose": "协商", "receive": "确认收货", "ship_replacement": "寄出换货",
        "return_repaired": "寄回维修件", "receive_title": "确认收到退货", "resellable": "商品可否二次销售", "resellable_yes": "可以，退回库存",
        "resellable_no": "不可以", "receive_amount": "确认后将为该退货退款单退款 {amount}", "receive_and_refund": "确认收货并退款 {amount}",
        "ship_repaired_title": "维修完成，寄回顾客", "ship_replacement_title": "寄出换货商品", "carrier": "物流公司",
        "carrier_placeholder": "请选择（微信物流公司列表）", "tracking_no": "运单号", "ship_confirm": "确认寄出",
        "need_carrier": "请填写物流公司和运单号", "shipped": "已寄出", "propose_title": "协商", "propose_kind": "协商方式",
        "propose_amount": "退款金额（元）", "propose_amount_full": "不填则全额退款", "propose_amount_less": "小于申请金额",
        "propose_message": "给顾客的说明", "propose_send": "发给顾客", "kind_change_type": "改为仅退款（无需退货）",
        "kind_change_amount": "部分退款", "kind_more_evidence": "请顾客补充凭证", "kind_withdraw": "建议顾客撤销申请",
        "need_kind": "请选择协商方式", "bad_amount": "请填写正确的金额", "proposed": "已发给顾客，等待回应", "received": "已确认收货",
    },
    # views/refunds/RefundList.vue
    "refunds": {
        "tab_ledger": "退款台账", "status_placeholder": "退款状态", "refund_id": "微信退款单号：", "last_error": "　最近错误码：{code}",
        "attempts": "　尝试次数：{count}", "attempts_empty": "尚未提交", "col_result": "结果", "col_error_code": "错误码",
        "outcome_failed": "失败", "outcome_succeeded": "成功", "outcome_accepted": "已受理", "outcome_processing": "处理中",
        "outcome_timeout": "超时", "outcome_abnormal": "异常", "col_refund_no": "退款单号", "col_method": "方式",
        "tab_reconciliation": "对账结果", "runs_title": "对账批次", "runs_empty": "暂无对账记录", "col_run": "批次",
        "col_bill_date": "账单日期", "col_bill_count": "账单笔数", "col_mismatch": "差异", "col_run_at": "执行时间",
        "mismatches_title": "未处理差异", "mismatches_empty": "暂无差异", "col_mismatch_kind": "差异类型", "col_ledger_fen": "台账金额",
        "col_bill_fen": "微信账单金额", "bank_card_title": "退到顾客银行卡", "bank_type": "开户银行",
        "bank_type_placeholder": "微信银行类型，如 ICBC_DEBIT", "bank_account": "银行卡号", "real_name": "收款人姓名",
        "bank_card_submit": "提交微信处理", "confirm_retry": "用同一退款单号 {refund_no} 重新提交 {amount} 的退款？",
        "done_retry": "已重新提交退款", "confirm_merchant_bank_card": "请微信将 {amount} 退到商户银行卡（再由商户线下转给顾客）？",
        "done_wechat": "已提交微信处理", "confirm_to_balance": "改为把 {amount} 退到顾客账户余额？原退款保留为记录。", "done_to_balance": "已退到顾客余额",
        "confirm_reissue": "用新的退款单号重新发起 {amount} 的微信退款？原退款保留为记录。", "done_reissue": "已重新发起退款",
    },
    # views/reviews/ReviewList.vue
    "reviews": {
        "tab_all": "全部", "tab_cancel": "取消申请", "tab_modify": "修改申请", "tab_after_sale": "售后申请",
        "status_placeholder": "审核状态", "status_pending": "待审核", "status_approved": "已同意", "status_rejected": "已拒绝",
        "status_withdrawn": "已撤回", "status_all": "全部", "escalated_only": "只看超时升级的售后", "changes": "修改内容：",
        "change_separator": "；", "lines": "申请商品：", "line": "{name}×{quantity}", "line_separator": "，", "photos": "凭证：",
        "alternative": "已提供替代方案：", "decision": "处理意见：", "risk_flagged": "重点监控", "col_order_status": "订单状态",
        "col_created": "申请时间", "escalated": "已升级", "overdue": "已超时", "offer_alternative": "替代方案",
        "confirm_approve": "确认同意该{kind}？", "batch_no_refund": "所选申请同意后不涉及退款。",
        "batch_refund": "同意后共退款 {amount}（{count} 项），按各单原路退回{later}。", "batch_refund_later": "，其中 {amount} 在确认收到退货后退款",
        "alt_title": "提供替代方案", "alt_kind": "方案类型", "alt_replacement_sku": "更换商品", "alt_faster_shipping": "加急发货",
        "alt_other": "其他", "alt_sku": "替换 SKU ID", "alt_message": "给顾客的说明",
        "alt_placeholder": "例如：该款缺货，可为您更换同价位的黑色款并优先发货", "alt_send": "发送给顾客", "need_message": "请填写给顾客的说明",
        "alt_sent": "替代方案已发送给顾客",
    },
    # views/inventory/InventoryView.vue
    "inventory": {
        "tab_stock": "库存", "q_placeholder": "商品名称或 SKU 编码", "low_stock_placeholder": "库存低于", "col_code": "SKU 编码",
        "col_category": "分类", "col_price": "价格", "col_stock": "库存", "ledger": "流水", "adjust": "调整", "recall": "召回",
        "tab_reconciliation": "库存对账", "reconcile": "重新对账", "reconcile_empty": "库存与流水一致，无差异", "col_sku_id": "SKU ID",
        "col_current_stock": "当前库存", "col_ledger_sum": "流水合计", "col_difference": "差异", "correct": "更正",
        "correct_note": "库存对账更正", "tab_advice": "采购建议", "advice_empty": "该期间没有因取消或退货回库的商品", "col_released": "取消回库",
        "col_returned": "退货回库", "col_advice": "建议", "advice": "下次采购可少进 {count} 件", "ledger_title": "库存流水 · {name}",
        "col_change": "变动", "col_order": "订单", "kind_initial": "初始库存", "kind_reserve": "下单占用", "kind_release": "取消释放",
        "kind_sale": "销售", "kind_return": "退货入库", "kind_adjust": "人工调整", "kind_adjustment": "人工调整",
        "adjust_title": "库存调整", "adjust_current": "{name}，当前库存 {stock}", "adjust_change": "变动数量",
        "adjust_reason_placeholder": "例如：盘点差异", "adjust_confirm": "确认调整", "need_adjust": "请填写变动数量和原因",
        "adjusted": "库存已调整",
    },
    # views/inventory/RecallDialog.vue
    "recall": {
        "title": "缺货/召回 · {product} {sku}", "warning": "将取消该规格全部未发货的订单，已付款的订单按退款规则原路退款，并通知每位顾客。", "reason": "取消原因",
        "password": "登录密码", "password_placeholder": "二次验证：整批只需输入一次", "submit": "取消全部未发货订单",
        "need_reason": "请选择取消原因并输入登录密码",
    },
    # views/complaints/ComplaintList.vue
    "complaints": {
        "state_pending": "待回复", "state_processing": "处理中", "state_processed": "已处理完成", "due_soon": "只看即将超时",
        "q_placeholder": "投诉单号 / 商户订单号", "col_time": "投诉时间", "col_detail": "投诉内容", "complaint_no": "投诉单号 {id}",
        "col_first_reply": "首次回复（24小时）", "col_complete": "处理完成（72小时）", "handle": "处理", "drawer_title": "投诉详情",
        "complaint_id": "投诉单号", "user_times": "该用户投诉次数", "problem": "问题描述", "respond": "回复用户",
        "update_refund": "更新退款进度", "complete": "反馈处理完成", "history": "微信协商历史", "related_order": "关联订单",
        "no_order": "未找到对应的订单", "reply_placeholder": "具体的处理方案，200 字以内", "refund_result": "审批结果",
        "refund_approve": "同意退款", "refund_reject": "拒绝退款", "launch_day": "预计发起退款", "launch_day_unit": "个工作日内（0 为当天）",
        "reject_reason": "拒绝原因", "need_reply": "请填写回复内容", "replied": "已回复用户", "refund_updated": "已更新退款进度",
        "complete_confirm": "确认已与用户沟通解决？反馈处理完成后不能再回复。", "complete_ok": "确认完成", "completed": "已反馈处理完成",
    },
    # views/coupons/CouponList.vue
    "coupons": {
        "new": "新建优惠券", "col_rule": "优惠", "col_issued": "已发放 / 总量", "unlimited": "不限", "claimable": "领券中心",
        "valid_days": "领取后 {days} 天", "valid_dates": "{from} 至 {until}", "from_now": "即日", "separator": "；",
        "edit_title": "编辑优惠券", "issued_notice": "已发放的券只能修改名称、说明、每人限领和发行总量", "name": "名称", "discount": "减免金额（元）",
        "rate": "折扣（折）", "cap": "最高减（元）", "cap_placeholder": "不填则不封顶", "threshold": "使用门槛（元）",
        "threshold_placeholder": "0 为无门槛", "validity": "有效期", "validity_days": "领取后 N 天", "validity_dates": "固定日期",
        "start": "开始", "end": "截止", "per_shopper_limit": "每人限领", "total": "发行总量", "total_unlimited": "0 为不限",
        "scope": "适用范围", "scope_categories_placeholder": "分类编号，用逗号分隔", "scope_products_placeholder": "商品编号，用逗号分隔",
        "claimable_open": "开放领取", "issue_title": "发放「{name}」", "issue_placeholder": "每行一个：顾客编号或 openid",
        "issued": "已发放 {count} 人", "skipped": "{shopper}：{reason}", "issue": "发放", "published": "已开放领取",
        "unpublished": "已停止领取", "stop_confirm": "停用后不能再发放和领取，已发出的券在有效期内仍可使用。", "stop_title": "停用优惠券", "stopped": "已停用",
    },
    # views/staff/StaffList.vue
    "staff": {
        "create": "新增员工", "col_permissions": "权限", "permission_separator": "、", "reset_password": "重置密码",
        "edit_title": "编辑员工", "username": "用户名", "name": "姓名", "role": "角色", "initial_password": "初始密码",
        "password_placeholder": "至少 10 位，不能是常见密码", "recheck_message": "{what}需要二次验证，请输入您的登录密码", "recheck_title": "二次验证",
        "need_password": "请输入您的登录密码", "what_edit": "修改员工", "created": "员工已创建",
        "reset_message": "为 {name} 设置新密码（至少 10 位，不能是常见密码），其现有登录将失效", "reset": "重置", "password_too_short": "密码至少 10 位",
        "reset_done": "密码已重置", "what_disable": "停用员工", "what_enable": "启用员工", "disabled": "已停用", "enabled": "已启用",
    },
    # views/settings/AfterSaleRules.vue
    "after_sale_rules": {
        "title": "售后规则", "add": "添加规则",
        "intro": "按顺序匹配，第一条命中的规则自动同意售后申请，并记录在售后单上。重点监控名单中的顾客、争议原因（如质量问题）从不自动同意；按订单累计的退款不超过“自动退款金额上限”。",
        "empty": "暂无规则：仅未发货的小额仅退款自动同意（系统默认）", "col_summary": "条件与效果", "edit_title": "编辑售后规则", "add_title": "添加售后规则",
        "name": "规则名称", "effect": "效果", "max_amount": "退款金额上限", "max_amount_placeholder": "不填：不限", "stages": "订单阶段",
        "reasons": "售后原因", "reasons_placeholder": "不选：任意原因", "categories": "商品分类", "categories_placeholder": "不选：任意分类",
        "trust": "顾客范围", "min_completed_orders": "最少完成订单数", "max_refund_rate": "最高退款率（%）",
        "bad_amount": "退款金额上限：请输入正确的金额", "saved": "售后规则已保存", "delete_confirm": "删除售后规则「{name}」？",
        "delete_title": "删除规则", "deleted": "已删除",
    },
    # views/settings/SettingsView.vue
    "settings": {
        "read_only": "您可以查看店铺设置；修改需要管理员权限。", "platform": "微信发货信息管理服务：{label}",
        "platform_checked": "最近查询：{time}；消息跳转路径：{path}",
        # a setting in fen is typed in yuan: its label's unit changes with it
        "unit_fen": "（分）", "unit_yuan": "（元）", "default": "默认 {value}", "reason_code_placeholder": "代码，如 out_of_stock",
        "reason_label_placeholder": "显示名称", "add_reason": "添加原因", "save": "保存设置", "bad_amount": "{label}：请输入正确的金额",
        "saved": "设置已保存",
    },
    # views/risk/RiskView.vue
    "risk": {
        "flagged": "重点监控名单", "all": "全部顾客", "col_cancels": "近30天取消", "col_refunds": "近30天退款", "col_refund_rate": "退款率",
        "col_addresses": "收货地址数", "col_bulk": "一起买一起退", "bulk_groups": "{count} 组", "banned": "已封禁",
        "allow_listed": "白名单", "flagged_tag": "重点监控", "normal": "正常", "ban_reason": "封禁：{reason}",
        "risk_reason": "{reason}（{by}）", "flag": "标记", "unflag": "解除", "allow": "加入白名单", "ban": "封禁", "unban": "解除封禁",
        "flag_message": "请输入标记原因", "flag_title": "加入重点监控", "flag_done": "已加入重点监控",
        "ban_message": "封禁后该顾客不能登录和下单，已登录的会话立即失效。请输入封禁原因", "ban_title": "封禁顾客", "unban_done": "已解除封禁",
        "unflag_done": "已解除监控", "allow_done": "已加入白名单",
    },
    # views/stats/StatsView.vue
    "stats": {
        "by_day": "按天", "by_week": "按周", "by_month": "按月", "by_dimension": "按{name}",
        "export_cancellations": "导出取消 CSV", "export_refunds": "导出退款 CSV", "dim_stage": "阶段", "dim_reason": "原因",
        "dim_category": "商品分类", "dim_customer_group": "客户类型", "dim_member_level": "会员等级", "dim_operator": "操作人",
        "orders": "下单数", "cancellations": "取消数", "cancel_rate": "取消率", "refunds": "退款笔数", "refunded_fen": "退款成功金额",
        "stock_returned": "回库件数", "trend_title": "取消与退款趋势", "bar_title": "取消与退款 · 按{name}", "pie_title": "取消原因占比",
        "series_cancelled_orders": "取消订单数", "series_refunds": "退款笔数", "series_refund_amount": "退款金额",
        "axis_count": "笔数", "axis_amount": "金额(元)", "series_cancel": "取消", "series_refund": "退款", "pie_name": "取消原因",
        "pie_unit": "单",
    },
    # views/invoices/InvoiceList.vue
    "invoices": {
        "requested": "待开具", "red_pending": "待冲红/重开", "issued": "已开具", "q_placeholder": "订单号 / 发票号码",
        "col_requested": "申请时间", "col_title": "抬头", "tax_no": "税号 {tax_no}", "download_pdf": "下载 PDF",
        "dialog_order": "{title} · 订单 {order_no}", "reject_reason": "驳回原因", "reject_placeholder": "顾客会看到",
        "invoice_no": "发票号码", "pdf": "电子发票 PDF", "red_invoice_no": "红字发票号码",
        "red_notice": "顾客仍有实付金额时，冲红后须重开：填写新发票号码并上传 PDF；已全额退款只需冲红。", "reissue_invoice_no": "重开发票号码",
        "reissue_pdf": "重开发票 PDF",
    },
    # views/finance/MoneyCheckView.vue
    "money_check": {
        "header": "资金核对：每笔订单 实收 = 已退 + 留存（按微信支付、余额分别核对，精确到分）", "run": "立即核对", "empty": "还没有核对记录，每日任务会自动核对，也可以立即核对",
        "all_ok": "全部一致：核对 {orders} 笔订单（其中 {gateway} 笔与微信支付记录核对）、全部余额与库存", "found": "发现 {count} 处差异，请逐项核查",
        "checked_at": "核对时间", "trigger": "发起", "orders_checked": "核对订单", "gateway_checked": "与微信核对", "paid": "实收合计",
        "refunded": "已退合计", "kept": "留存合计", "differences": "差异", "route_paid": "{route}实收",
        "route_balance_paid": "{route}支付", "route_refunded": "退回{route}", "col_object": "对象", "order": "订单 {order_no}",
        "shopper": "顾客 {name}", "sku": "规格 #{sku_id}", "col_expected": "应为", "col_actual": "实为", "done_ok": "核对完成，全部一致",
        "done_differences": "发现 {count} 处差异",
    },
}

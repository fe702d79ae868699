// After-sales case (A2, A4–A6): decision (or the rule that approved it automatically), the stage's countdown,
// staff's proposal to accept or decline, the evidence asked for, the 协商历史 thread, the return address and the
// return shipment form when goods go back.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan, shanghaiTime } = require('../../../utils/format')
const { toast } = require('../../../utils/ui')
const { asked, buttonOf } = require('../../../utils/order-actions')
const { labelAfter } = require('../../../utils/countdown')
const words = require('../../../utils/words')

const TRACKING_NO = /^[A-Za-z0-9]{6,30}$/

/** The return form shows when the server lists the action, or goods must go back and none were sent. */
function needsReturnShipment(aCase) {
  if (Array.isArray(aCase.actions)) return aCase.actions.indexOf('submit_return_shipment') >= 0
  const goodsGoBack = aCase.type !== 'refund_only'
  return goodsGoBack && !aCase.return_tracking_no && ['approved', 'awaiting_return'].indexOf(aCase.status) >= 0
}

Page(withMixin(single, {
  data: {
    w: {},
    state: 'loading',
    errorText: '',
    aCase: null,
    words: {},
    showReturnForm: false,
    carriers: [],
    carrierIndex: -1,
    trackingNo: '',
    formError: '',
    submitting: false,
    evidenceText: '',
    evidencePhotos: [],
    evidenceError: ''
  },

  async onLoad(query) {
    this.caseId = query.id
    const w = await words.use(this, 'after_sale_detail')
    this.setData({ carriers: (w.carriers || '').split('、').filter(Boolean) }) // the server's list, 、 between names
    return this.load()
  },

  fetch(quiet) {
    return http.get(api.AfterSale(this.caseId), null, { toast: quiet })
  },

  show(aCase) {
    this.setData({
      aCase: Object.assign({}, aCase, {
        // the words are the server's (type_label, status_label, deadline_label, auto_rule.text)
        type_text: aCase.type_label || aCase.type,
        status_text: aCase.status_label || aCase.status,
        amount_text: aCase.amount_fen ? yuan(aCase.amount_fen) : '',
        created_text: shanghaiTime(aCase.created_at),
        deadline_title: aCase.deadline_for === 'shopper' ? this.data.w.act_in_time
          : words.fill(this.data.w.waiting_for, { stage: aCase.deadline_stage }),
        proposal_title: aCase.proposal ? words.fill(this.data.w.proposal, { kind: aCase.proposal.kind_label }) : '',
        refund: aCase.refund ? Object.assign({}, aCase.refund, { amount_text: yuan(aCase.refund.amount_fen) }) : null
      }),
      showReturnForm: needsReturnShipment(aCase),
      // the buttons' words are the server's (aCase.buttons: label, the question to ask, the toast once done)
      words: (aCase.buttons || []).reduce((words, button) => Object.assign(words, { [button.action]: button.label }), {}),
      canWithdraw: (aCase.actions || []).indexOf('withdraw') >= 0,
      canAccept: (aCase.actions || []).indexOf('accept_proposal') >= 0,
      canDecline: (aCase.actions || []).indexOf('decline_proposal') >= 0,
      canAddEvidence: (aCase.actions || []).indexOf('add_evidence') >= 0,
      messages: (aCase.messages || []).map(m => Object.assign({}, m, { time_text: shanghaiTime(m.created_at) })),
      state: 'ready'
    })
    this.startCountdown(aCase)
  },

  // The stage's clock keeps running on screen (A5): from the server's seconds left, by the time since loading.
  startCountdown(aCase) {
    this.stopCountdown()
    if (aCase.deadline_seconds === null || aCase.deadline_seconds === undefined) return
    const loadedAt = Date.now()
    this.countdownTimer = setInterval(() => {
      this.setData({ 'aCase.deadline_label': labelAfter(aCase.deadline_seconds, Date.now() - loadedAt) })
    }, 30000)
  },

  stopCountdown() {
    if (this.countdownTimer) clearInterval(this.countdownTimer)
    this.countdownTimer = null
  },

  onUnload() {
    this.stopCountdown()
  },

  async answer(url, body, action) {
    const done = buttonOf(this.data.aCase, action).done
    try {
      await http.post(url, body, { loading: this.data.w.submitting })
      if (done) toast(done, 'success')
    } catch (error) {
      // the toast already told the shopper why (e.g. 协商已超时)
    }
    return this.load(true)
  },

  async onAcceptProposal() {
    if (!(await asked(buttonOf(this.data.aCase, 'accept_proposal')))) return
    return this.answer(api.AfterSaleAcceptProposal(this.caseId), {}, 'accept_proposal')
  },

  async onDeclineProposal() {
    if (!(await asked(buttonOf(this.data.aCase, 'decline_proposal')))) return
    return this.answer(api.AfterSaleDeclineProposal(this.caseId), {}, 'decline_proposal')
  },

  onEvidenceText(e) {
    this.setData({ evidenceText: e.detail.value, evidenceError: '' })
  },

  onAddEvidencePhoto() {
    wx.chooseMedia({
      count: 9 - this.data.evidencePhotos.length,
      mediaType: ['image', 'video'],
      sourceType: ['album', 'camera'],
      maxDuration: 30,
      success: res => this.setData({ evidencePhotos: this.data.evidencePhotos.concat(res.tempFiles.map(f => f.tempFilePath)).slice(0, 9) })
    })
  },

  async onSubmitEvidence() {
    const text = this.data.evidenceText.trim()
    if (!text && !this.data.evidencePhotos.length) return this.setData({ evidenceError: this.data.w.need_evidence })
    let photos
    try {
      photos = await Promise.all(this.data.evidencePhotos.map(path => http.upload(api.Uploads, path)))
    } catch (error) {
      return this.setData({ evidenceError: words.fill(this.data.w.evidence_upload_failed, { message: error.message }) })
    }
    this.setData({ evidenceText: '', evidencePhotos: [] })
    return this.answer(api.AfterSaleEvidence(this.caseId), { text, photos }, 'add_evidence')
  },

  onCarrier(e) {
    this.setData({ carrierIndex: Number(e.detail.value), formError: '' })
  },

  onTrackingNo(e) {
    this.setData({ trackingNo: e.detail.value.trim(), formError: '' })
  },

  async onSubmitReturn() {
    if (this.data.carrierIndex < 0) return this.setData({ formError: this.data.w.need_carrier })
    if (!TRACKING_NO.test(this.data.trackingNo)) return this.setData({ formError: this.data.w.need_tracking_no })
    this.setData({ submitting: true })
    try {
      await http.post(api.AfterSaleReturnShipment(this.caseId), {
        carrier: this.data.carriers[this.data.carrierIndex], tracking_no: this.data.trackingNo
      }, { loading: this.data.w.submitting })
      const done = buttonOf(this.data.aCase, 'submit_return_shipment').done
      if (done) toast(done, 'success')
      await this.load(true)
    } catch (error) {
      this.setData({ formError: error.message })
    } finally {
      this.setData({ submitting: false })
    }
  },

  async onWithdraw() {
    const button = buttonOf(this.data.aCase, 'withdraw')
    if (!(await asked(button))) return
    try {
      await http.post(api.AfterSaleWithdraw(this.caseId), {}, { loading: this.data.w.submitting })
      if (button.done) toast(button.done, 'success')
    } catch (error) {
      // the toast already told the shopper why (e.g. 商家已处理)
    }
    return this.load(true)
  },

  openOrder() {
    wx.navigateTo({ url: '/pages/orders/detail/detail?id=' + this.data.aCase.order_id })
  }
}))

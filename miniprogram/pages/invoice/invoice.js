// 发票 (R10): the order's invoice as the server describes it (state, a sentence, 下载 when issued) and, when
// the server offers request_invoice, the 申请发票 form (个人/企业, title, tax number for 企业, email).
const api = require('../../config/api')
const http = require('../../utils/request')
const auth = require('../../utils/auth')
const { toast } = require('../../utils/ui')
const words = require('../../utils/words')
const { single, withMixin } = require('../../utils/loadable')

/** The words of the server's buttons by action ({download: '下载发票', …}). */
function labelsOf(body) {
  return (body.buttons || []).reduce((labels, button) => Object.assign(labels, { [button.action]: button.label }), {})
}

Page(withMixin(single, {
  data: {
    w: {}, state: 'loading', errorText: '', orderId: '', invoice: null, actions: [], labels: {},
    kind: 'personal', title: '', taxNo: '', email: '', fieldErrors: {}, formError: '', submitting: false
  },

  async onLoad(query) {
    this.setData({ orderId: query.id })
    await words.use(this, 'invoice')
    return this.load()
  },

  fetch(quiet) {
    return http.get(api.OrderInvoice(this.data.orderId), null, { toast: quiet })
  },

  show(body) {
    this.setData({ invoice: body.invoice, actions: body.actions, labels: labelsOf(body), state: 'ready' })
  },

  onKind(e) {
    this.setData({ kind: e.currentTarget.dataset.kind, fieldErrors: {}, formError: '' })
  },

  onInput(e) {
    this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
  },

  async onSubmit() {
    const { kind, title, taxNo, email } = this.data
    const body = { kind, title: title.trim(), email: email.trim() }
    if (kind === 'company') body.tax_no = taxNo.trim().toUpperCase()
    this.setData({ submitting: true, fieldErrors: {}, formError: '' })
    try {
      const reply = await http.post(api.OrderInvoice(this.data.orderId), body)
      this.setData({ invoice: reply.invoice, actions: reply.actions, labels: labelsOf(reply) })
      words.toast('invoice_requested', 'success')
    } catch (error) {
      // The server's words: the field that is wrong, or why the order cannot have an invoice.
      this.setData({ fieldErrors: error.details || {}, formError: error.message })
    } finally {
      this.setData({ submitting: false })
    }
  },

  onDownload() {
    wx.downloadFile({
      url: api.BASE_URL + api.OrderInvoicePdf(this.data.orderId),
      header: { Authorization: 'Bearer ' + auth.getToken() },
      success: res => {
        if (res.statusCode !== 200) {
          words.toast('invoice_download_failed')
          return
        }
        wx.openDocument({ filePath: res.tempFilePath, fileType: 'pdf', showMenu: true })
      },
      fail: () => toast(http.NETWORK_MESSAGE) // the server could not be reached: the mini-program's own words
    })
  }
}))

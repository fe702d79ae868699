// Add or edit an address (O2), checked here and by the API (mainland mobile, region, detail). The form can
// be filled from WeChat (导入微信地址), or arrive filled (?draft=) when the API refused an imported one.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const words = require('../../../utils/words')
const { validateReceiver } = require('../../../utils/validate')
const { chooseWechatAddress } = require('../../../utils/wechat-address')

function formOf(address, isDefault) {
  return {
    receiver: address.receiver, phone: address.phone, region: [address.province, address.city, address.district],
    detail: address.detail, is_default: isDefault
  }
}

Page(withMixin(single, {
  data: {
    w: {},
    state: 'ready',
    errorText: '',
    id: null,
    form: { receiver: '', phone: '', region: [], detail: '', is_default: false },
    errors: {},
    submitting: false
  },

  async onLoad(query) {
    const w = await words.use(this, 'address_edit')
    if (query.id) wx.setNavigationBarTitle({ title: w.title_edit })
    if (query.draft) {
      const form = formOf(JSON.parse(decodeURIComponent(query.draft)), false)
      return this.setData({ form, errors: validateReceiver(form) })
    }
    if (!query.id) return
    this.setData({ id: Number(query.id), state: 'loading' })
    return this.load()
  },

  fetch() {
    return http.get(api.Addresses, null, { toast: false })
  },

  show(addresses) {
    const address = addresses.find(a => a.id === this.data.id)
    if (!address) return this.setData({ state: 'error', errorText: this.data.w.not_found })
    this.setData({ form: formOf(address, address.is_default), state: 'ready' })
  },

  onInput(e) {
    const field = e.currentTarget.dataset.field
    this.setData({ ['form.' + field]: e.detail.value, ['errors.' + field]: '' })
  },

  async onImport() {
    const address = await chooseWechatAddress()
    if (address) this.setData({ form: formOf(address, this.data.form.is_default), errors: {} })
  },

  onRegion(e) {
    this.setData({ 'form.region': e.detail.value, 'errors.region': '' })
  },

  onDefault(e) {
    this.setData({ 'form.is_default': e.detail.value })
  },

  async onSave() {
    const form = this.data.form
    const errors = validateReceiver(form)
    if (Object.keys(errors).length) return this.setData({ errors })
    const [province, city, district] = form.region
    const body = {
      receiver: form.receiver.trim(), phone: form.phone.trim(), province, city, district,
      detail: form.detail.trim(), is_default: !!form.is_default
    }
    this.setData({ submitting: true })
    try {
      if (this.data.id) await http.put(api.Address(this.data.id), body, { loading: this.data.w.saving })
      else await http.post(api.Addresses, body, { loading: this.data.w.saving })
      words.toast('address_saved', 'success')
      wx.navigateBack({ delta: 1 })
    } catch (error) {
      const details = error.details || {}
      const shown = {}
      Object.keys(details).forEach(key => {
        shown[['province', 'city', 'district'].indexOf(key) >= 0 ? 'region' : key] = [].concat(details[key]).join('；')
      })
      this.setData({ errors: shown })
    } finally {
      this.setData({ submitting: false })
    }
  }
}))

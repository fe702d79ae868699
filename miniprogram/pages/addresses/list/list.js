// Address book (O2): list, set default, delete, 一键导入微信地址; with ?select=1 a tap picks the address
// for checkout.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { confirm } = require('../../../utils/ui')
const words = require('../../../utils/words')
const { chooseWechatAddress } = require('../../../utils/wechat-address')

const SELECTED_KEY = 'checkout_address_id'

Page(withMixin(single, {
  data: { w: {}, state: 'loading', errorText: '', addresses: [], selecting: false },

  async onLoad(query) {
    this.setData({ selecting: query.select === '1' })
    await words.use(this, 'address_list')
    return this.load()
  },

  onShow() {
    if (this.shownOnce) return this.load(true)
    this.shownOnce = true
  },

  fetch(quiet) {
    return http.get(api.Addresses, null, { toast: quiet })
  },

  show(addresses) {
    this.setData({ addresses, state: addresses.length ? 'ready' : 'empty' })
  },

  onPick(e) {
    if (!this.data.selecting) return
    wx.setStorageSync(SELECTED_KEY, e.currentTarget.dataset.id)
    wx.navigateBack({ delta: 1 })
  },

  onAdd() {
    wx.navigateTo({ url: '/pages/addresses/edit/edit' })
  },

  // Saved as it comes when the API accepts it; otherwise the edit page opens with it filled in, and the
  // API's message (already toasted) says what to fix.
  async onImport() {
    const address = await chooseWechatAddress()
    if (!address) return
    try {
      await http.post(api.Addresses, Object.assign({ is_default: !this.data.addresses.length }, address), { loading: this.data.w.importing })
    } catch (error) {
      if (error.statusCode === 422) {
        wx.navigateTo({ url: '/pages/addresses/edit/edit?draft=' + encodeURIComponent(JSON.stringify(address)) })
      }
      return
    }
    words.toast('address_imported', 'success')
    return this.load(true)
  },

  onEdit(e) {
    wx.navigateTo({ url: '/pages/addresses/edit/edit?id=' + e.currentTarget.dataset.id })
  },

  async onSetDefault(e) {
    const address = this.data.addresses.find(a => a.id === e.currentTarget.dataset.id)
    if (!address || address.is_default) return
    const body = Object.assign({}, address, { is_default: true })
    delete body.id
    try {
      await http.put(api.Address(address.id), body)
      words.toast('address_default', 'success')
    } catch (error) {
      return
    }
    return this.load(true)
  },

  async onDelete(e) {
    const w = this.data.w
    if (!(await confirm(w.delete_title, w.delete_content, w.delete_confirm))) return
    try {
      await http.del(api.Address(e.currentTarget.dataset.id))
      words.toast('address_deleted', 'success')
    } catch (error) {
      return
    }
    return this.load(true)
  }
}))

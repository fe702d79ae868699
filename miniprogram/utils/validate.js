// Quick checks before the API's own validation (O2/M2); the API's messages win when they differ.
const MOBILE = /^1[3-9]\d{9}$/

/** @param {{receiver: string, phone: string, region: string[], detail: string}} a @returns {Object<string, string>} */
function validateReceiver(a) {
  /** @type {Object<string, string>} */
  const errors = {}
  if (!(a.receiver || '').trim()) errors.receiver = '请填写收货人'
  else if (a.receiver.trim().length > 20) errors.receiver = '收货人不能超过 20 个字'
  if (!MOBILE.test((a.phone || '').trim())) errors.phone = '请填写正确的 11 位手机号'
  if (!a.region || a.region.length < 3 || a.region.some(part => !part)) errors.region = '请选择所在地区'
  if ((a.detail || '').trim().length < 4) errors.detail = '详细地址至少 4 个字'
  return errors
}

module.exports = { validateReceiver, MOBILE }

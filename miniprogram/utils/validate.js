// Quick checks before the API's own validation (O2/M2); the API's messages win when they differ. Their words are the
// server's (utils/words, group receiver_checks).
const words = require('./words')

const MOBILE = /^1[3-9]\d{9}$/

/** @param {{receiver: string, phone: string, region: string[], detail: string}} a @returns {Object<string, string>} */
function validateReceiver(a) {
  /** @type {Object<string, string>} */
  const errors = {}
  const w = words.of('receiver_checks')
  if (!(a.receiver || '').trim()) errors.receiver = w.need_receiver
  else if (a.receiver.trim().length > 20) errors.receiver = w.receiver_too_long
  if (!MOBILE.test((a.phone || '').trim())) errors.phone = w.need_phone
  if (!a.region || a.region.length < 3 || a.region.some(part => !part)) errors.region = w.need_region
  if ((a.detail || '').trim().length < 4) errors.detail = w.detail_too_short
  return errors
}

module.exports = { validateReceiver, MOBILE }

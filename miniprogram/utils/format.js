// Display helpers: money is integer fen (never floats), times are shown in Asia/Shanghai.

function pad(n) {
  return n < 10 ? '0' + n : String(n)
}

/** 1234 -> "¥12.34"; -500 -> "-¥5.00". Integer arithmetic only. */
function yuan(fen) {
  const value = Number(fen) || 0
  const abs = Math.abs(Math.round(value))
  return (value < 0 ? '-' : '') + '¥' + Math.floor(abs / 100) + '.' + pad(abs % 100)
}

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000

/** ISO timestamp (any offset) -> "2026-11-22 06:51" in Shanghai time, whatever the phone's zone. */
function shanghaiTime(iso, withSeconds) {
  if (!iso) return ''
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return ''
  const d = new Date(ms + SHANGHAI_OFFSET_MS)
  const text = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
    pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes())
  return withSeconds ? text + ':' + pad(d.getUTCSeconds()) : text
}

/** Shanghai calendar date "2026-11-22". */
function shanghaiDate(iso) {
  return shanghaiTime(iso).slice(0, 10)
}

module.exports = { yuan, shanghaiTime, shanghaiDate }

// THE money helper of the admin: amounts travel as integer fen (SPEC §2) and are only formatted here.

export function formatFen(fen) {
  if (fen === null || fen === undefined || fen === '') return '—'
  const value = Number(fen)
  if (!Number.isInteger(value)) return '—'
  const sign = value < 0 ? '-' : ''
  const abs = Math.abs(value)
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cents = String(abs % 100).padStart(2, '0')
  return `${sign}¥${yuan}.${cents}`
}

// "12.3" → 1230 without floating point: staff type yuan, the API wants fen.
export function yuanToFen(text) {
  if (text === null || text === undefined) return null
  const match = String(text).trim().match(/^(-?)(\d+)(?:\.(\d{0,2}))?$/)
  if (!match) return null
  const [, sign, whole, frac = ''] = match
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'))
  return sign ? -fen : fen
}

// 1230 → "12.30" for an input box (no currency sign, no grouping); nothing → "".
export function fenToYuan(fen) {
  if (fen === null || fen === undefined || fen === '') return ''
  const value = Number(fen)
  if (!Number.isInteger(value)) return ''
  const abs = Math.abs(value)
  return `${value < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

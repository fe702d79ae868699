// Times are stored in UTC and shown in Asia/Shanghai (SPEC §2).
const TZ = 'Asia/Shanghai'

function toDate(value) {
  if (!value) return null
  if (value instanceof Date) return value
  let text = String(value)
  // A naive ISO timestamp from the API is UTC.
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    text = text.replace(' ', 'T') + 'Z'
  }
  const date = new Date(text)
  return Number.isNaN(date.getTime()) ? null : date
}

const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
})

export function formatTime(value) {
  const date = toDate(value)
  if (!date) return '—'
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(date).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`
}

// A calendar day in Shanghai as YYYY-MM-DD, for date filters.
export function shanghaiDate(value = new Date()) {
  const date = toDate(value)
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(date).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day}`
}

export function daysAgo(days) {
  return shanghaiDate(new Date(Date.now() - days * 86400000))
}

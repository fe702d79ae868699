// The admin's words are the server's: page titles, column headers, buttons, form labels, placeholders, dialogs,
// empty states and toasts come from GET /api/admin/words (backend/shop/domain/staff_words), one dictionary grouped
// by page plus `common`. Public (the sign-in page needs it before anyone signs in). The last answer is kept in
// localStorage, so a reload draws at once while the server is asked again (the browser's cache revalidates it with
// the ETag, an unchanged dictionary costing a 304). Labels of machine codes stay in labels.js (GET /api/admin/meta).
// Templates write {{ $w('order_list.title') }} (installWords puts $w on every component); scripts import w.
import { reactive } from 'vue'

// The public request, no token (the same path as API_BASE + '/words' in api/request.js, which draws its messages
// from here and so is not imported by it).
function askServer() {
  return fetch('/api/admin/words', { headers: { Accept: 'application/json' } }).then((response) => {
    if (!response.ok) throw new Error(`GET /api/admin/words: ${response.status}`)
    return response.json()
  })
}

export const WORDS = reactive({})
const STORAGE_KEY = 'shop_admin_words'

/** Puts a dictionary ({version, words}) in WORDS, replacing the groups it had. */
export function useWords(body) {
  const words = (body && body.words) || {}
  for (const group of Object.keys(WORDS)) if (!(group in words)) delete WORDS[group]
  Object.assign(WORDS, words)
}

function stored() {
  try {
    const body = JSON.parse(localStorage.getItem(STORAGE_KEY) || 'null')
    return body && body.words ? body : null
  } catch {
    return null // not JSON: as if none were kept
  }
}

/**
 * Resolves once words are known: at once with the ones kept from the last answer (the server is asked again
 * behind), else after the server's answer; rejects only when there are none at all.
 */
export function loadWords(ask = askServer) {
  const kept = stored()
  if (kept) useWords(kept)
  const asking = ask().then((body) => {
    if (!body || !body.words) throw new Error('no words')
    useWords(body)
    localStorage.setItem(STORAGE_KEY, JSON.stringify(body))
  })
  if (kept) {
    asking.catch(() => {}) // the kept words stay drawn
    return Promise.resolve()
  }
  return asking
}

/**
 * A word: w('common.cancel'), w('common.total', { n: 3 }) fills {n}. A key the dictionary lacks comes back as the
 * key itself, so a test (and a reader) sees which one is missing.
 * @param {string} key 'group.key' @param {Record<string, any>} [vars]
 */
export function w(key, vars) {
  const dot = key.indexOf('.')
  const text = dot > 0 ? WORDS[key.slice(0, dot)]?.[key.slice(dot + 1)] : undefined
  if (typeof text !== 'string') return key
  if (!vars) return text
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole))
}

/** app.use(installWords): $w in every template. */
export function installWords(app) {
  app.config.globalProperties.$w = w
}

// A filtered, paged table: filters + page state + load(), shared by every list page.
import { getCurrentInstance, onUnmounted, reactive, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { listOf } from '../api/request'

// `settling(row)`: a row whose state is still changing on the server (a refund still processing); while the page shows one,
// the list reloads itself every `pollMs` so it never stays on a state that has already moved on.
// `inUrl`: the page and the filters live in the address's query too, so a reload (or a link) opens the same page;
// the view then starts with load(), not search(), to keep the page it was on.
export function usePagedList(fetchPage, initialFilters = {}, perPage = 20, { settling = null, pollMs = 5000, inUrl = false } = {}) {
  const filters = reactive({ ...initialFilters })
  const rows = ref([])
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const extra = ref({})
  const url = inUrl ? urlQuery(useRoute(), useRouter(), filters, page) : null

  // `quiet`: a poll — no loading mask over the table (it would cover the buttons every few seconds) and a failed
  // poll keeps the rows on screen.
  async function load(options) {
    const quiet = options?.quiet === true // (a click or a page number may arrive here too)
    if (!quiet) url?.write()
    if (!quiet) loading.value = true
    try {
      const data = await fetchPage({ ...filters, page: page.value, per_page: perPage })
      const { items, total: count } = listOf(data)
      rows.value = items
      total.value = count
      extra.value = data && !Array.isArray(data) ? data : {}
    } catch {
      if (!quiet) {
        rows.value = []
        total.value = 0
      }
    } finally {
      if (!quiet) loading.value = false
      schedulePoll()
    }
  }

  let timer = null
  function schedulePoll() {
    clearTimeout(timer)
    timer = settling && rows.value.some(settling) ? setTimeout(() => load({ quiet: true }), pollMs) : null
  }
  if (getCurrentInstance()) onUnmounted(() => clearTimeout(timer))

  function search() {
    page.value = 1
    return load()
  }

  function reset() {
    for (const key of Object.keys(filters)) filters[key] = initialFilters[key] ?? ''
    return search()
  }

  return { filters, rows, total, page, perPage, loading, extra, load, search, reset }
}

// Filters (strings) and the page read from the route once, and written back with router.replace on every load.
function urlQuery(route, router, filters, page) {
  for (const key of Object.keys(filters)) {
    if (typeof route.query[key] === 'string') filters[key] = route.query[key]
  }
  const start = Number(route.query.page)
  if (Number.isInteger(start) && start > 1) page.value = start
  return {
    write() {
      const query = { ...route.query }
      for (const [key, value] of Object.entries(filters)) {
        if (value === '' || value === null || value === undefined) delete query[key]
        else query[key] = String(value)
      }
      if (page.value > 1) query.page = String(page.value)
      else delete query.page
      const same = Object.keys(query).length === Object.keys(route.query).length
        && Object.entries(query).every(([key, value]) => route.query[key] === value)
      if (!same) router.replace({ query })
    },
  }
}

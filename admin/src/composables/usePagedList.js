// A filtered, paged table: filters + page state + load(), shared by every list page.
import { getCurrentInstance, onUnmounted, reactive, ref } from 'vue'
import { listOf } from '../api/request'

// `settling(row)`: a row whose state is still changing on the server (a refund 处理中); while the page shows one,
// the list reloads itself every `pollMs` so it never stays on a state that has already moved on.
export function usePagedList(fetchPage, initialFilters = {}, perPage = 20, { settling = null, pollMs = 5000 } = {}) {
  const filters = reactive({ ...initialFilters })
  const rows = ref([])
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const extra = ref({})

  async function load() {
    loading.value = true
    try {
      const data = await fetchPage({ ...filters, page: page.value, per_page: perPage })
      const { items, total: count } = listOf(data)
      rows.value = items
      total.value = count
      extra.value = data && !Array.isArray(data) ? data : {}
    } catch {
      rows.value = []
      total.value = 0
    } finally {
      loading.value = false
      schedulePoll()
    }
  }

  let timer = null
  function schedulePoll() {
    clearTimeout(timer)
    timer = settling && rows.value.some(settling) ? setTimeout(load, pollMs) : null
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

// A filtered, paged table: filters + page state + load(), shared by every list page.
import { reactive, ref } from 'vue'
import { listOf } from '../api/request'

export function usePagedList(fetchPage, initialFilters = {}, perPage = 20) {
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
    }
  }

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

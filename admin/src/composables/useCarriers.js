import { ref } from 'vue'
import { listCarriers } from '../api/shipping'

// WeChat's carriers for a ship dialog (every shipment is reported to WeChat with the carrier's code).
// Loaded once, when a dialog first opens; on failure the request helper has shown the server's message.
export function useCarriers() {
  const carriers = ref([])
  const loading = ref(false)

  async function load() {
    if (carriers.value.length || loading.value) return
    loading.value = true
    try {
      carriers.value = await listCarriers()
    } catch {
      // shown by the request helper
    } finally {
      loading.value = false
    }
  }

  return { carriers, loading, load }
}

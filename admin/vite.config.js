import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Served by Flask under /admin/ (backend/shop/api/admin_web.py); `npm run dev` proxies the API.
export default defineConfig({
  base: '/admin/',
  plugins: [vue()],
  server: {
    proxy: { '/api': process.env.SHOP_API || 'http://127.0.0.1:8000' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.js'],
    // A busy 2-core CI machine mounts Element Plus pages slowly; a test waits on events, not the clock.
    testTimeout: 30000,
  },
})

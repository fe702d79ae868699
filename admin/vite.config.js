import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Beside every script and stylesheet of the build, its gzip copy (name.gz), which Flask sends to browsers
// that accept gzip (backend/shop/api/admin_web.py): compressed once at build time, never per request.
function precompress(outDir = 'dist') {
  return {
    name: 'precompress',
    apply: 'build',
    writeBundle(options) {
      const assets = join(options.dir || outDir, 'assets')
      for (const name of readdirSync(assets).filter((n) => /\.(js|css|svg|json)$/.test(n))) {
        writeFileSync(join(assets, `${name}.gz`), gzipSync(readFileSync(join(assets, name)), { level: 9 }))
      }
    },
  }
}

// Served by Flask under /admin/ (backend/shop/api/admin_web.py); `npm run dev` proxies the API.
export default defineConfig({
  base: '/admin/',
  plugins: [vue(), precompress()],
  server: {
    proxy: { '/api': process.env.SHOP_API || 'http://127.0.0.1:8000' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    manifest: true, // scripts/admin_size.py reads which chunks each page loads
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.js'],
    // The server's words (tests/support/words.json) in WORDS and $w on every component, before each test file; and
    // a prop a component refuses fails the test (tests/support/setup-props.js).
    setupFiles: ['tests/support/setup-words.js', 'tests/support/setup-props.js'],
    // These tests wait on nothing but their own code (the API is mocked), so a per-test limit measures only how
    // busy the machine is: one mount took 18 s of the old 30 s limit on the loaded 2-core machine. The limit is a
    // guard against a hang, not a speed test.
    testTimeout: 300000,
  },
})

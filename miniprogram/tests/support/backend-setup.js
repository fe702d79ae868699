// Starts the real shop (API, WeChat sandbox, worker, embedded Redis, fresh SQLite, demo data) for the
// real-backend tests: `python -m shop.launcher`, exactly what `make run` starts. SHOP_SKIP_BACKEND=1 skips it.
const { spawn } = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const http = require('http')

const REPO = path.resolve(__dirname, '../../..')
const STATE_FILE = path.join(os.tmpdir(), `shop-mp-backend-${process.ppid}-${process.pid}.json`)

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address())
      server.close(() => resolve(port))
    })
  })
}

function healthy(url) {
  return new Promise(resolve => {
    const req = http.get(url, res => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.setTimeout(2000, () => {
      req.destroy()
      resolve(false)
    })
  })
}

module.exports = async function startBackend() {
  if (process.env.SHOP_SKIP_BACKEND === '1') return
  const port = await freePort()
  let sandboxPort = await freePort()
  while (sandboxPort === port) sandboxPort = await freePort()
  const varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-mp-test-'))
  const log = fs.openSync(path.join(varDir, 'launcher.log'), 'a')
  const env = Object.assign({}, process.env, {
    PORT: String(port),
    SANDBOX_PORT: String(sandboxPort),
    SHOP_VAR_DIR: varDir,
    PYTHONPATH: path.join(REPO, 'backend'),
    DEMO_HISTORY_ORDERS: '0'  // the shopper's own orders are what these tests look at
  })
  delete env.DATABASE_URL
  delete env.REDIS_URL
  const child = spawn(path.join(REPO, '.venv/bin/python'), ['-m', 'shop.launcher'], {
    cwd: path.join(REPO, 'backend'), env, detached: true, stdio: ['ignore', log, log]
  })
  child.unref()
  const origin = `http://127.0.0.1:${port}`
  // A fresh launcher migrates, seeds and starts its processes: seconds on an idle machine, minutes on a busy
  // one. So this waits for what the launcher does, not for a clock: it answers /api/health, or it exits (it
  // gives up by itself when a step fails or the API does not come up). The limit only catches a hang.
  const deadline = Date.now() + 15 * 60000
  while (!(await healthy(origin + '/api/health'))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      try { process.kill(-child.pid, 'SIGTERM') } catch (e) { /* already gone */ }
      throw new Error('shop backend did not become healthy; see ' + path.join(varDir, 'launcher.log'))
    }
    await new Promise(resolve => setTimeout(resolve, 300))
  }
  const state = { pid: child.pid, origin, sandbox: `http://127.0.0.1:${sandboxPort}`, varDir, stateFile: STATE_FILE }
  fs.writeFileSync(STATE_FILE, JSON.stringify(state))
  process.env.SHOP_BACKEND = JSON.stringify(state)
}

// Starts the whole system (API, worker, cron, WeChat sandbox, embedded Redis, fresh SQLite) for the e2e run.
import { spawn } from 'node:child_process'
import { mkdtempSync, openSync, readFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const REPO = path.resolve(here, '..', '..')

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

export async function waitFor(check, { timeout = 30000, interval = 300, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  let last
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value) return value
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, interval))
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`)
}

export async function startSystem() {
  const port = await freePort()
  const sandboxPort = await freePort()
  const varDir = mkdtempSync(path.join(os.tmpdir(), 'shop-e2e-'))
  const logFile = path.join(varDir, 'launcher.log')
  const log = openSync(logFile, 'a')
  const python = path.join(REPO, '.venv', 'bin', 'python')
  const child = spawn(python, ['-m', 'shop.launcher'], {
    cwd: REPO,
    env: {
      ...process.env,
      PYTHONPATH: path.join(REPO, 'backend'),
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      SHOP_VAR_DIR: varDir,
      // Fast automatic refund retries so "failed three times" takes seconds, not hours.
      REFUND_RETRY_INTERVALS: '1,1',
      REFUND_QUERY_AFTER_SECONDS: '2',
      // Some history, so the dashboard, statistics and lists photographed by the tour have content.
      DEMO_HISTORY_ORDERS: process.env.DEMO_HISTORY_ORDERS || '200',
    },
    stdio: ['ignore', log, log],
    detached: true,
  })
  const baseUrl = `http://127.0.0.1:${port}`
  let exited = null
  child.on('exit', (code) => { exited = code })
  // The launcher migrates, seeds, makes the demo history and starts its children: under a minute on an idle
  // machine, several on a busy one (the 200 history orders alone). So this waits for what the launcher does,
  // not for a clock: it answers /api/health, or it exits (it gives up by itself when a step fails or the API
  // does not come up). The limit only catches a launcher that hangs.
  let launcherGaveUp = null
  try {
    await waitFor(async () => {
      if (exited !== null) {
        launcherGaveUp = new Error(`launcher exited with ${exited}`)
        return true
      }
      const reply = await fetch(`${baseUrl}/api/health`)
      return reply.status === 200
    }, { timeout: 15 * 60000, interval: 500, what: '/api/health' })
    if (launcherGaveUp) throw launcherGaveUp
  } catch (error) {
    stop()
    throw new Error(`${error.message}\n--- launcher log (${logFile}) ---\n${readFileSync(logFile, 'utf8').slice(-4000)}`)
  }

  function stop() {
    if (exited !== null) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        try { process.kill(-child.pid, 'SIGKILL') } catch { /* gone */ }
        resolve()
      }, 15000)
      child.once('exit', () => { clearTimeout(timer); resolve() })
      try { process.kill(-child.pid, 'SIGTERM') } catch { clearTimeout(timer); resolve() }
    })
  }

  return { baseUrl, sandboxUrl: `http://127.0.0.1:${sandboxPort}`, varDir, logFile, stop }
}

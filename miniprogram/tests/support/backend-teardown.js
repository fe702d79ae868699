// Stops the launcher (it stops its children on SIGTERM) and removes the temporary data directory.
const fs = require('fs')

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return false
  }
}

module.exports = async function stopBackend() {
  if (!process.env.SHOP_BACKEND) return
  const state = JSON.parse(process.env.SHOP_BACKEND)
  try { process.kill(state.pid, 'SIGTERM') } catch (e) { /* already gone */ }
  const deadline = Date.now() + 20000
  while (alive(state.pid) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 200))
  if (alive(state.pid)) {
    try { process.kill(-state.pid, 'SIGKILL') } catch (e) { /* already gone */ }
  }
  if (!process.env.SHOP_KEEP_VAR) fs.rmSync(state.varDir, { recursive: true, force: true })
  fs.rmSync(state.stateFile, { force: true })
}

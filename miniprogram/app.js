const auth = require('./utils/auth')

App({
  onLaunch() {
    // Log in early so the first page's requests already carry a token; request.js retries anyway.
    auth.ensureLogin().catch(() => {})
  }
})

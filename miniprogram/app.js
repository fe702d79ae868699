const auth = require('./utils/auth')
const words = require('./utils/words')

App({
  onLaunch() {
    // The shopper's words (utils/words.js): from storage at once, asked again in the background (a 304 when unchanged).
    words.refresh()
    // Log in early so the first page's requests already carry a token; request.js retries anyway.
    auth.ensureLogin().catch(() => {})
  }
})

// The only words the admin keeps in its own code: what it shows when the server cannot be reached at all, so
// there are no server words to show (every other word comes from GET /api/admin/words, src/utils/words.js).
// tests/own-words.test.js allows Chinese in this file only.
export const OFFLINE = {
  network: '网络异常，请检查网络后重试',
  no_words: '无法连接服务器，请检查网络后刷新页面',
}

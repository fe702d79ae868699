// The `wx` global as a plain object of jest-spyable functions, plus the Page → Component shim
// miniprogram-simulate needs (it only knows Component()).
const storage = new Map()

function later(fn, value) {
  if (fn) setTimeout(() => fn(value), 0)
}

global.wx = Object.assign(global.wx || {}, {
  request: () => { throw new Error('wx.request is not mocked in this test') },
  login: opts => later(opts.success, { code: global.__loginCode || 'tester' }),
  getStorageSync: key => (storage.has(key) ? storage.get(key) : ''),
  setStorageSync: (key, value) => storage.set(key, value),
  removeStorageSync: key => storage.delete(key),
  clearStorageSync: () => storage.clear(),
  showToast: () => {},
  showLoading: () => {},
  hideLoading: () => {},
  showModal: opts => later(opts.success, { confirm: true, cancel: false }),
  navigateTo: () => {},
  redirectTo: () => {},
  navigateBack: () => {},
  switchTab: () => {},
  reLaunch: () => {},
  stopPullDownRefresh: () => {},
  setNavigationBarTitle: () => {},
  requestPayment: opts => later(opts.success, { errMsg: 'requestPayment:ok' }),
  openBusinessView: opts => later(opts.success, { errMsg: 'openBusinessView:ok' }),
  requestSubscribeMessage: opts => {
    const res = { errMsg: 'requestSubscribeMessage:ok' }
    opts.tmplIds.forEach(id => { res[id] = 'accept' })
    later(opts.success, res)
  },
  chooseMedia: opts => later(opts.success, { tempFiles: [{ tempFilePath: 'wxfile://tmp/photo1.jpg', fileType: 'image' }] }),
  previewImage: () => {},
  setClipboardData: () => {}
})

global.getApp = () => ({ globalData: {} })
global.App = () => {}

// Pages become components: data stays data, every function becomes a method the test can call.
global.Page = definition => {
  const methods = {}
  Object.keys(definition).forEach(key => {
    if (typeof definition[key] === 'function') methods[key] = definition[key]
  })
  return global.Component({ data: definition.data || {}, methods })
}


global.__clearWxStorage = () => storage.clear()
global.wx.uploadFile = opts => setTimeout(() => opts.success && opts.success({
  statusCode: 201, data: JSON.stringify({ url: 'https://cdn.example.com/uploads/' + opts.filePath.split('/').pop() }), errMsg: 'uploadFile:ok'
}), 0)

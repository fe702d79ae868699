// Each test starts logged out with fresh spies.
beforeEach(() => {
  global.__clearWxStorage()
  jest.restoreAllMocks()
})

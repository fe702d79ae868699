// Page tests (wx.request mocked) and real-backend tests (wx.request bridged to a launched shop).
module.exports = {
  testEnvironment: 'jsdom',
  setupFiles: ['<rootDir>/tests/support/wx.js'],
  setupFilesAfterEnv: ['<rootDir>/tests/support/each.js'],
  globalSetup: '<rootDir>/tests/support/backend-setup.js',
  globalTeardown: '<rootDir>/tests/support/backend-teardown.js',
  testMatch: ['<rootDir>/tests/**/*.test.js'],
  testTimeout: 30000
}

// Page tests (wx.request mocked) and real-backend tests (wx.request bridged to a launched shop).
module.exports = {
  testEnvironment: 'jsdom',
  setupFiles: ['<rootDir>/tests/support/wx.js'],
  setupFilesAfterEnv: ['<rootDir>/tests/support/each.js'],
  globalSetup: '<rootDir>/tests/support/backend-setup.js',
  globalTeardown: '<rootDir>/tests/support/backend-teardown.js',
  testMatch: ['<rootDir>/tests/**/*.test.js'],
  // A guard against a hang, not a speed test: the page tests wait on nothing but their own code, and the
  // real-backend tests give each thing they wait for (a payment, a refund, a shipment) its own deadline, which
  // names it. 30 s for the whole test failed on a busy 2-core machine while everything was still on its way.
  testTimeout: 300000
}

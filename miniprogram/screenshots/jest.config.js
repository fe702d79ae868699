// `npm run screenshots`, step 1: render the main pages with fixture data through the page-test harness
// (miniprogram-simulate) and write each as a self-contained HTML file. Not part of `npm test`.
const base = require('../jest.config')

module.exports = {
  rootDir: '..',
  testEnvironment: base.testEnvironment,
  setupFiles: base.setupFiles,
  setupFilesAfterEnv: base.setupFilesAfterEnv,
  testMatch: ['<rootDir>/screenshots/*.shots.js'],
  testTimeout: 30000
}

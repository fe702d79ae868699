// JS: eslint:recommended with the mini-program globals; WXML: eslint-plugin-wxml.
module.exports = {
  root: true,
  env: { es2020: true, commonjs: true },
  parserOptions: { ecmaVersion: 2020, sourceType: 'script' },
  extends: ['eslint:recommended'],
  globals: { wx: 'readonly', App: 'readonly', Page: 'readonly', Component: 'readonly', getApp: 'readonly', getCurrentPages: 'readonly',
    setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' },
  rules: {
    'no-unused-vars': ['error', { args: 'none' }],
    eqeqeq: 'error',
    'prefer-const': 'error',
    'no-var': 'error'
  },
  ignorePatterns: ['node_modules/', 'coverage/'],
  overrides: [
    {
      files: ['*.wxml'],
      plugins: ['wxml'],
      parser: '@wxml/parser',
      rules: {
        'wxml/no-duplicate-attributes': 'error',
        'wxml/no-unexpected-string-bool': 'error',
        'wxml/no-unnecessary-block': 'error',
        'wxml/wx-key': 'error',
        'wxml/report-wxml-syntax-error': 'error',
        'wxml/report-interpolation-error': 'error',
        'wxml/no-dot-this-in-wx-key': 'error',
        'wxml/no-wx-for-with-wx-if': 'error',
        'wxml/max-depth': ['error', 8],
        'wxml/no-inconsistent-tagname': 'error'
      }
    },
    {
      files: ['tests/**/*.js', 'screenshots/**/*.js', 'jest.config.js', '.eslintrc.js'],
      env: { jest: true, node: true, browser: true }
    }
  ]
}

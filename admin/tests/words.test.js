// The admin draws the server's words (GET /api/admin/words): what the server says is what the page shows.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import './setup-element'
import served from './support/words.json'
import { loadWords, useWords, w, WORDS } from '../src/utils/words'

vi.mock('../src/api/auth', () => ({ login: vi.fn(), me: vi.fn(), logout: vi.fn() }))
const { default: LoginView } = await import('../src/views/LoginView.vue')

const changed = (group, key, text) => ({ version: 'changed', words: { ...served.words, [group]: { ...served.words[group], [key]: text } } })

describe('the server\'s words', () => {
  beforeEach(() => localStorage.clear())
  afterEach(() => useWords(served))

  it('fills {name} and gives back the key of a word the server does not have', () => {
    expect(w('common.total', { n: 3 })).toBe('共 3 条')
    expect(w('common.cancel')).toBe('取消')
    expect(w('common.no_such_word')).toBe('common.no_such_word')
    expect(w('no_such_group.title')).toBe('no_such_group.title')
  })

  it('draws a word the server changed', async () => {
    const fetch = vi.fn().mockResolvedValue(changed('login', 'submit', '进入后台'))
    await loadWords(fetch)
    setActivePinia(createPinia())
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: LoginView }] })
    await router.push('/')
    const wrapper = mount(LoginView, { global: { plugins: [router, ElementPlus] } })
    expect(wrapper.get('[data-test="login-submit"]').text()).toBe('进入后台')
    expect(wrapper.text()).not.toContain('登录')
    useWords(changed('login', 'submit', '登入'))
    await flushPromises()
    expect(wrapper.get('[data-test="login-submit"]').text()).toBe('登入')
  })

  it('keeps the last answer so a reload draws at once, and takes the new one behind', async () => {
    await loadWords(vi.fn().mockResolvedValue(changed('common', 'cancel', '作废')))
    useWords({ words: {} })
    let answer
    const later = new Promise((resolve) => { answer = resolve })
    await loadWords(() => later) // resolves with the kept words, before the server answers
    expect(w('common.cancel')).toBe('作废')
    answer(changed('common', 'cancel', '撤销'))
    await flushPromises()
    expect(w('common.cancel')).toBe('撤销')
    expect(JSON.parse(localStorage.getItem('shop_admin_words')).words.common.cancel).toBe('撤销')
  })

  it('waits for the server when nothing is kept, and fails only when there is nothing at all', async () => {
    useWords({ words: {} })
    await expect(loadWords(vi.fn().mockRejectedValue(new Error('offline')))).rejects.toThrow()
    expect(Object.keys(WORDS)).toEqual([])
    await loadWords(vi.fn().mockResolvedValue(served))
    expect(w('login.submit')).toBe('登录')
  })

  it('keeps the kept words when the server cannot be reached', async () => {
    await loadWords(vi.fn().mockResolvedValue(changed('common', 'ok', '好')))
    await loadWords(vi.fn().mockRejectedValue(new Error('offline')))
    await flushPromises()
    expect(w('common.ok')).toBe('好')
  })

  it('names only words the server serves, in every file of src/', () => {
    const files = (dir) => readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? files(path) : [path]
    })
    const missing = []
    for (const file of files(join(__dirname, '..', 'src'))) {
      const text = readFileSync(file, 'utf8').replace(/(^|\s)\/\/ .*$/gm, '') // comments name example keys
      // w('group.key' / $w('group.key', and the menu's and routes' word / title keys
      const keys = [...text.matchAll(/\$?\bw\('([a-z_]+\.[a-z0-9_]+)'/g), ...text.matchAll(/(?:word|title): '([a-z_]+\.[a-z0-9_]+)'/g)]
      for (const [, key] of keys) if (w(key) === key) missing.push(`${file}: ${key}`)
    }
    expect(missing).toEqual([])
  })

  it('has a word for every order action button and every to-do card', async () => {
    const actions = readFileSync(join(__dirname, '../src/components/OrderActions.vue'), 'utf8')
    const names = [...actions.matchAll(/^  (\w+): \{ ?(?:type|\n)/gm)].map(([, name]) => name)
    expect(names.length).toBeGreaterThan(10)
    for (const name of names) expect(w(`order_actions.${name}`)).not.toBe(`order_actions.${name}`)
    const dashboard = readFileSync(join(__dirname, '../src/views/DashboardView.vue'), 'utf8')
    const cards = [...dashboard.matchAll(/\{ key: '(\w+)'/g)].map(([, key]) => key)
    expect(cards.length).toBeGreaterThan(10)
    for (const key of cards) expect(w(`dashboard.todo_${key}`)).not.toBe(`dashboard.todo_${key}`)
  })
})

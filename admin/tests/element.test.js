import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApp } from 'vue'
import { installElement } from '../src/element'

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = join(dir, name)
    return statSync(file).isDirectory() ? sources(file) : /\.(vue|js)$/.test(name) ? [file] : []
  })
}
const pascal = (tag) => tag.replace(/(^|-)([a-z])/g, (_, __, letter) => letter.toUpperCase())

// Element Plus is installed component by component (src/element.js): every <el-…> a page draws must be among them,
// or it would render as an unknown element.
describe('Element Plus on demand', () => {
  it('registers every Element Plus component the admin\'s templates use', () => {
    const app = createApp({})
    installElement(app)
    const used = new Set(sources(join(__dirname, '..', 'src')).flatMap(
      (file) => [...readFileSync(file, 'utf8').matchAll(/<(el-[a-z-]+)/g)].map((match) => match[1])))
    const missing = [...used].filter((tag) => !app.component(pascal(tag)))
    expect(missing).toEqual([])
    expect(app.directive('loading')).toBeTruthy()
  })
})

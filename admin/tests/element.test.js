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

  // Their stylesheets too, one by one (src/element-styles.js): a component drawn without its stylesheet renders
  // unstyled, and the whole element-plus/dist/index.css would bring every other component's styles back.
  it('imports the stylesheet of every component the templates draw and every service the code calls, and only those', () => {
    const files = sources(join(__dirname, '..', 'src'))
    const styles = readFileSync(join(__dirname, '..', 'src', 'element-styles.js'), 'utf8')
    const imported = new Set([...styles.matchAll(/^import 'element-plus\/es\/components\/([a-z-]+)\/style\/css'$/gm)]
      .map((match) => match[1]))
    const code = files.filter((file) => !file.endsWith('element-styles.js')).map((file) => readFileSync(file, 'utf8')).join('\n')
    const drawn = new Set([...code.matchAll(/<el-([a-z-]+)/g)].map((match) => match[1]))
    const services = { ElMessage: 'message', ElMessageBox: 'message-box', ElLoading: 'loading', ElNotification: 'notification' }
    for (const [name, style] of Object.entries(services)) if (new RegExp(`\\b${name}\\b`).test(code)) drawn.add(style)
    expect([...drawn].filter((name) => !imported.has(name))).toEqual([])
    expect([...imported].filter((name) => !drawn.has(name))).toEqual([])
    expect(code).not.toMatch(/element-plus\/(dist|theme-chalk)\/index\.css/)
    expect(readFileSync(join(__dirname, '..', 'src', 'main.js'), 'utf8')).toMatch(/import '\.\/element-styles'/)
  })
})

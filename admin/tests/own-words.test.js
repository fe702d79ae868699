// Every word the admin shows comes from the server (GET /api/admin/words, src/utils/words.js; labels of machine
// codes from GET /api/admin/meta): no file under src/ writes Chinese of its own, except what is shown when the
// server cannot be reached at all (src/utils/offline.js).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..')
const CHINESE = /[\u3400-\u9fff\uf900-\ufaff]/

// The offline fallback: the words for when there are no server words to show.
const ALLOWED = ['src/utils/offline.js']

// NOT YET CONVERTED — files and folders whose words still have to move to the server. Helper B's pages
// (backend/shop/domain/staff_words/areas.py); helper B empties this list when done.
const PENDING = []

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [relative(ROOT, path).split('\\').join('/')]
  })
}

const pending = (file) => PENDING.some((entry) => file === entry || (entry.endsWith('/') && file.startsWith(entry)))
const withChinese = files(join(ROOT, 'src')).filter((file) => CHINESE.test(readFileSync(join(ROOT, file), 'utf8')))

describe('the admin keeps no words of its own', () => {
  it('has no Chinese in src/ but the offline fallback', () => {
    const own = withChinese.filter((file) => !ALLOWED.includes(file) && !pending(file))
    expect(own, 'move these words to backend/shop/domain/staff_words and draw them with $w / w').toEqual([])
  })

  it('lists as not yet converted only what still has Chinese', () => {
    const done = PENDING.filter((entry) => !withChinese.some((file) => file === entry || (entry.endsWith('/') && file.startsWith(entry))))
    expect(done, 'converted: remove from PENDING').toEqual([])
  })

  it('keeps the offline fallback short', () => {
    const text = readFileSync(join(ROOT, 'src/utils/offline.js'), 'utf8')
    expect(text.match(/[\u3400-\u9fff]+/g).join('').length).toBeLessThan(40)
  })
})

// Every test file starts with the server's words (GET /api/admin/words, written to words.json by
// scripts/word_fixtures.py and checked against the server by tests/api/test_admin_words.py), and $w on every
// component mounted with @vue/test-utils, as main.js installs it.
import { config } from '@vue/test-utils'
import { useWords, w } from '../../src/utils/words'
import served from './words.json'

useWords(served)
config.global.mocks.$w = w // as app.config.globalProperties.$w

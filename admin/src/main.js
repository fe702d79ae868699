import { createApp } from 'vue'
import { createPinia } from 'pinia'
import './element-styles' // Element Plus's stylesheets of the components installed below only
import { installElement } from './element'
import { ICONS } from './icons'
import App from './App.vue'
import { createAdminRouter } from './router'
import { OFFLINE } from './utils/offline'
import { installWords, loadWords } from './utils/words'
import './styles.css'

const app = createApp(App)
for (const [name, component] of Object.entries(ICONS)) app.component(name, component)
app.use(createPinia())
app.use(installWords) // $w('group.key') in every template: the server's words (GET /api/admin/words)
app.use(createAdminRouter())
installElement(app) // only the components the admin draws (src/element.js)
// Mounted once the words are known: at once when kept from the last visit, else after the server's answer. With
// neither (the server cannot be reached on a first visit) the page says so in the one sentence the admin keeps.
loadWords().then(() => app.mount('#app'), () => {
  document.getElementById('app').textContent = OFFLINE.no_words
})

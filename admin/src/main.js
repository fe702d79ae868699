import { createApp } from 'vue'
import { createPinia } from 'pinia'
import './element-styles' // Element Plus's stylesheets of the components installed below only
import { installElement } from './element'
import { ICONS } from './icons'
import App from './App.vue'
import { createAdminRouter } from './router'
import './styles.css'

const app = createApp(App)
for (const [name, component] of Object.entries(ICONS)) app.component(name, component)
app.use(createPinia())
app.use(createAdminRouter())
installElement(app) // only the components the admin draws (src/element.js)
app.mount('#app')

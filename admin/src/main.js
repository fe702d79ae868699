import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import { ICONS } from './icons'
import App from './App.vue'
import { createAdminRouter } from './router'
import './styles.css'

const app = createApp(App)
for (const [name, component] of Object.entries(ICONS)) app.component(name, component)
app.use(createPinia())
app.use(createAdminRouter())
app.use(ElementPlus)
app.mount('#app')

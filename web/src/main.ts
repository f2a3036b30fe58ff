import { createApp } from 'vue'
import ElementPlus, { ElMessage } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import '@/styles/main.css'
import App from '@/App.vue'
import { router } from '@/router'
import { setSetupRequiredHandler, setUnauthorizedHandler } from '@/api/client'
import { loadMe, setMe } from '@/api/session'
import { clearUnits } from '@/modules/org/units'
import { keyboardRows } from '@/directives/keyboardRows'

// A 401 on an ordinary call: the session has ended (idle expiry, logout elsewhere, server
// restart). Go to the login page and come back to the same place afterwards.
let redirecting = false
setUnauthorizedHandler((code) => {
  setMe(null)
  clearUnits()
  const current = router.currentRoute.value
  if (redirecting || current.name === 'login') return
  redirecting = true
  ElMessage.warning(code === 'session_expired' ? '登录已过期，请重新登录' : '请先登录')
  router
    .replace({ name: 'login', query: current.fullPath !== '/' ? { redirect: current.fullPath } : {} })
    .finally(() => {
      redirecting = false
    })
})

// The server says the account must change its password or enable 2FA first: refresh who we
// are, and the layout opens the dialog the flags call for.
setSetupRequiredHandler(() => {
  loadMe().catch(() => undefined)
})

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).directive('keyboard-rows', keyboardRows).mount('#app')

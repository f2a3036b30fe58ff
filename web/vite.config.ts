import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The dev server forwards /api to a running `fazhi serve` (or the e2e mock server);
// override with FAZHI_API=http://127.0.0.1:PORT npm run dev.
const apiTarget = process.env.FAZHI_API || 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  // `@/` is web/src: modules import shared code and each other without ../../.. chains.
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    port: 5173,
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // Big libraries get their own long-lived chunks so a change to a page
        // does not invalidate them in the browser cache.
        manualChunks(id: string) {
          if (!id.includes('node_modules')) return undefined
          if (id.includes('echarts') || id.includes('zrender')) return 'echarts'
          if (id.includes('element-plus') || id.includes('@element-plus')) return 'element-plus'
          if (id.includes('/vue') || id.includes('@vue')) return 'vue'
          return 'vendor'
        },
      },
    },
  },
})

// The state of one 导出 button: busy while the file is being produced, then a toast with the file's
// name. Errors are shown by the API client.
//   const { busy: exporting, run: exportXlsx } = useDownload(() => casesApi.exportXlsx(filterQuery()))
//   <el-button :loading="exporting" @click="exportXlsx">导出 Excel</el-button>
import { ref } from 'vue'
import { ElMessage } from 'element-plus'

export function useDownload(download: () => Promise<string | void>) {
  const busy = ref(false)
  async function run() {
    busy.value = true
    try {
      const name = await download()
      if (name) ElMessage.success(`已导出：${name}`)
    } catch {
      /* shown by the client */
    } finally {
      busy.value = false
    }
  }
  return { busy, run }
}

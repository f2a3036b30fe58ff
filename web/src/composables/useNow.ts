import { onBeforeUnmount, onMounted, ref } from 'vue'

/** The current time in epoch seconds, refreshed every `intervalMs` while the component lives. */
export function useNow(intervalMs = 1000) {
  const now = ref(Math.floor(Date.now() / 1000))
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(() => (now.value = Math.floor(Date.now() / 1000)), intervalMs)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return now
}

// Display helpers. The server speaks UTC epoch seconds; people read Asia/Shanghai
// (UTC+8 all year, no daylight saving), so the offset is applied directly.
const SHANGHAI_OFFSET_S = 8 * 3600

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** 2026-03-01 14:05:09 in Beijing time; '—' for nothing (null, or 0 which the server uses for "never"). */
export function formatTime(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds) || epochSeconds <= 0) return '—'
  const d = new Date((epochSeconds + SHANGHAI_OFFSET_S) * 1000)
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  )
}

/** 2026-03-01 in Beijing time. */
export function formatDate(epochSeconds: number | null | undefined): string {
  return formatTime(epochSeconds).slice(0, 10)
}

/** 2026-03-01 14:05 (no seconds) in Beijing time. */
export function formatMinute(epochSeconds: number | null | undefined): string {
  const t = formatTime(epochSeconds)
  return t === '—' ? t : t.slice(0, 16)
}

/** The current Beijing month, "2026-03", or `offset` months from it. */
export function currentMonth(offset = 0): string {
  const d = new Date(Date.now() + SHANGHAI_OFFSET_S * 1000)
  let y = d.getUTCFullYear()
  let m = d.getUTCMonth() + offset
  y += Math.floor(m / 12)
  m = ((m % 12) + 12) % 12
  return `${y}-${pad(m + 1)}`
}

/** "2023-07" → "2023年7月". */
export function monthLabel(month: string | null | undefined): string {
  if (!month) return '—'
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  return m ? `${m[1]}年${Number(m[2])}月` : month
}

/**
 * A span of seconds in words: "2天3小时", "5小时12分", "8分钟"; seconds below a minute show as
 * "不足1分钟".
 */
export function formatSpan(seconds: number): string {
  const s = Math.abs(Math.floor(seconds))
  const days = Math.floor(s / 86400)
  const hours = Math.floor((s % 86400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  if (days > 0) return hours ? `${days}天${hours}小时` : `${days}天`
  if (hours > 0) return minutes ? `${hours}小时${minutes}分` : `${hours}小时`
  if (minutes > 0) return `${minutes}分钟`
  return '不足1分钟'
}

/** Points with at most two decimals and an explicit sign: +3, -1.5, 0. */
export function formatPoints(points: number | null | undefined, signed = false): string {
  if (points === null || points === undefined || !Number.isFinite(points)) return '—'
  const text = Number.isInteger(points) ? String(points) : points.toFixed(2).replace(/0$/, '')
  return signed && points > 0 ? `+${text}` : text
}

/** 0.9234 → "92.3%"; null → "—". */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  return `${(rate * 100).toFixed(1)}%`
}

/** 12345 bytes → "12.1 KB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

// Shortcuts of the lists' date-range filters (近7天, 本月, 上月), in Beijing time: the dates are the
// 北京时间 calendar days, given to the picker as local dates of the same day numbers.

function beijingToday(): { y: number; m: number; d: number } {
  const t = new Date(Date.now() + 8 * 3600_000)
  return { y: t.getUTCFullYear(), m: t.getUTCMonth(), d: t.getUTCDate() }
}

const day = (y: number, m: number, d: number) => new Date(y, m, d)

export const dateRangeShortcuts = [
  {
    text: '近7天',
    value: () => {
      const { y, m, d } = beijingToday()
      return [day(y, m, d - 6), day(y, m, d)]
    },
  },
  {
    text: '本月',
    value: () => {
      const { y, m, d } = beijingToday()
      return [day(y, m, 1), day(y, m, d)]
    },
  },
  {
    text: '上月',
    value: () => {
      const { y, m } = beijingToday()
      return [day(y, m - 1, 1), day(y, m, 0)]
    },
  },
]

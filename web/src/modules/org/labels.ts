// 中文 names of unit levels and the usual unit categories.

export const LEVEL_NAMES: Record<string, string> = {
  city: '市局',
  bureau: '分县局',
  team: '科所队',
}

export const UNIT_CATEGORIES = [
  '派出所',
  '刑侦大队',
  '经侦大队',
  '治安大队',
  '禁毒大队',
  '巡警大队',
  '交警大队',
  '法制大队',
  '网安大队',
  '指挥中心',
  '警务保障室',
  '政工室',
  '纪检监察室',
]

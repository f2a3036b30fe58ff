// Shared shapes of the code → 中文 name tables. Each module keeps its own tables in its labels.ts
// (modules/cases/labels.ts, modules/oversight/labels.ts, …). The server sends most names itself
// (status_name, type_name, act_name …); the tables cover the codes it leaves bare.

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export interface StateStyle {
  name: string
  tag: TagType
  /** Colour of the countdown clock. */
  color: string
}

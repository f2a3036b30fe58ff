/** The attribute values of an event form that were filled in (empty ones are left out). */
export function filledAttrs(attrs: Record<string, unknown>, allowed: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of allowed) {
    const v = attrs[key]
    if (v === undefined || v === null || v === '') continue
    out[key] = typeof v === 'string' ? v.trim() : v
  }
  return out
}

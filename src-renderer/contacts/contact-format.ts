import type { PartialDate, PostalAddress, TypedValue } from '../../src-main/common/domain/contact'

/** The TYPE values the editor offers, per kind of value (RFC 6350 §6.4.1, §6.4.2, §6.3.1). */
export const TYPE_CHOICES = {
  email: ['home', 'work', 'other'],
  phone: ['cell', 'home', 'work', 'fax', 'pager', 'other'],
  address: ['home', 'work', 'other'],
  url: ['home', 'work', 'other'],
} as const

export type ValueKind = keyof typeof TYPE_CHOICES

const NAMES: Record<string, string> = { cell: 'mobile', home: 'home', work: 'work', fax: 'fax', pager: 'pager', other: 'other', voice: 'phone', text: 'text', video: 'video' }

/** The one type the editor shows for a value: the first of its types the editor knows, else “other”. */
export function primaryType(value: Pick<TypedValue, 'types'>, kind: ValueKind): string {
  const choices: readonly string[] = TYPE_CHOICES[kind]
  return value.types.find((t) => choices.includes(t)) ?? 'other'
}

/** Replaces the editor's type among a value's types, keeping the others (e.g. `voice`, `internet`). */
export function withPrimaryType(types: readonly string[], kind: ValueKind, type: string): string[] {
  const choices: readonly string[] = TYPE_CHOICES[kind]
  const kept = types.filter((t) => !choices.includes(t))
  return type === 'other' ? kept : [type, ...kept]
}

/** What a value is called beside it: its own label, its types in words, or the kind. */
export function typeLabel(value: Pick<TypedValue | PostalAddress, 'types' | 'label'>, kind: ValueKind): string {
  if (value.label) return value.label
  const words = value.types.map((t) => NAMES[t] ?? t).filter((t) => !(kind === 'phone' && t === 'phone' && value.types.length > 1))
  if (words.length) return words.join(', ')
  return { email: 'email', phone: 'phone', address: 'address', url: 'website' }[kind]
}

/** 1980-05-04 → 4 May 1980; --05-04 → 4 May. */
export function formatDate(date: PartialDate): string {
  const noYear = date.startsWith('--')
  const [year, month, day] = noYear ? [2000, Number(date.slice(2, 4)), Number(date.slice(5, 7))] : date.split('-').map(Number)
  const value = new Date(Date.UTC(year!, month! - 1, day!))
  return value.toLocaleDateString(undefined, { timeZone: 'UTC', day: 'numeric', month: 'long', ...(noYear ? {} : { year: 'numeric' }) })
}

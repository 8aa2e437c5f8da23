import type { Address } from '../../src-main/common/domain/mail'

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })
const fullDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' })
const longDate = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })

/** The list's date: the time today, day and month this year, the full date before. */
export function listDate(ms: number, now = Date.now()): string {
  const date = new Date(ms)
  const today = new Date(now)
  if (date.toDateString() === today.toDateString()) return time.format(date)
  if (date.getFullYear() === today.getFullYear()) return dayMonth.format(date)
  return fullDate.format(date)
}

export function readerDate(ms: number): string {
  return longDate.format(new Date(ms))
}

/** "Ada Lovelace", or the address when the name is empty. */
export function personName(address: Address | undefined): string {
  if (!address) return ''
  return address.name.trim() || address.address
}

export function people(addresses: readonly Address[], limit = 3): string {
  const names = addresses.slice(0, limit).map(personName)
  return addresses.length > limit ? `${names.join(', ')} +${addresses.length - limit}` : names.join(', ')
}

/** "Ada Lovelace <ada@example.org>" for the reader's details. */
export function fullAddress(address: Address): string {
  return address.name.trim() ? `${address.name} <${address.address}>` : address.address
}

export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function subjectOf(subject: string): string {
  return subject.trim() || '(no subject)'
}

import type { CalendarOwner } from '../../src-main/common/domain/calendar'

/** How a person who shares calendars is named: their name, else their address, else their principal's last path segment. */
export function ownerLabel(owner: CalendarOwner): string {
  if (owner.name) return owner.name
  if (owner.address) return owner.address
  const segment = owner.principalUrl ? decodeURIComponent(new URL(owner.principalUrl).pathname.split('/').filter(Boolean).at(-1) ?? '') : ''
  return segment || 'Someone'
}

/** One key per person: calendars of the same owner group together ("me": the account's own; a row stored before owners existed reads as own). */
export function ownerKey(owner: CalendarOwner | null | undefined): string {
  if (!owner) return 'me'
  return owner.principalUrl ?? owner.address ?? owner.name ?? 'unknown'
}

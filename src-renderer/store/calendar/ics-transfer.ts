import ICAL from 'ical.js'
import type { AccountId } from '../../../src-main/common/domain/account'
import { hrefFor, newUid, type CalendarActions } from './calendar-actions'
import { calendarRange, type CalendarDatabase, type EventRow } from './calendar-database'
import { parsedRow } from './event-row'

type IcalComponent = InstanceType<typeof ICAL.Component>

export interface ImportSummary {
  added: number
  updated: number
  skipped: { what: string; why: string }[]
}

const PRODID = '-//Quire//Quire Calendar//EN'

function sequenceOf(component: IcalComponent): number {
  return Number(component.getFirstPropertyValue('sequence') ?? 0) || 0
}

function modifiedOf(component: IcalComponent): number {
  const value = (component.getFirstPropertyValue('last-modified') ?? component.getFirstPropertyValue('dtstamp')) as InstanceType<typeof ICAL.Time> | null
  return value ? value.toUnixTime() : 0
}

/** The event's text without what changes on every export (DTSTAMP), to tell "the same" from "changed". */
function fingerprint(calendar: IcalComponent): string {
  return calendar
    .getAllSubcomponents('vevent')
    .map((v) => {
      const copy = new ICAL.Component(JSON.parse(JSON.stringify(v.toJSON())))
      copy.removeAllProperties('dtstamp')
      return copy.toString()
    })
    .sort()
    .join('\n')
}

/**
 * Imports an .ics file into one calendar: each UID (its master and overridden instances, with the
 * time zones they use) becomes one calendar object. An event the calendar already has is updated
 * only when the file's version is newer (SEQUENCE, then LAST-MODIFIED); everything else is
 * reported with the reason it was skipped.
 */
export async function importIcs(db: CalendarDatabase, actions: CalendarActions, accountId: AccountId, calendarUrl: string, text: string): Promise<ImportSummary> {
  const summary: ImportSummary = { added: 0, updated: 0, skipped: [] }
  let root: IcalComponent
  try {
    const parsed = ICAL.parse(text)
    root = new ICAL.Component(Array.isArray(parsed[0]) ? parsed[0] : parsed)
  } catch (error) {
    summary.skipped.push({ what: 'the file', why: `it is not an iCalendar file (${error instanceof Error ? error.message : String(error)})` })
    return summary
  }
  const calendars = root.name === 'vcalendar' ? [root] : root.getAllSubcomponents('vcalendar')
  const existing = new Map<string, EventRow>()
  for (const row of await db.events.where('[accountId+calendarUrl+href]').between(...calendarRange(accountId, calendarUrl)).toArray()) if (row.uid) existing.set(row.uid, row)

  const writes: Parameters<CalendarActions['write']>[0] = []
  for (const calendar of calendars) {
    const zones = new Map(calendar.getAllSubcomponents('vtimezone').map((tz) => [String(tz.getFirstPropertyValue('tzid')), tz]))
    for (const kind of ['vtodo', 'vjournal']) {
      for (const other of calendar.getAllSubcomponents(kind)) summary.skipped.push({ what: String(other.getFirstPropertyValue('summary') ?? kind.toUpperCase()), why: `a ${kind === 'vtodo' ? 'task' : 'journal entry'}, not an event` })
    }
    const groups = new Map<string, IcalComponent[]>()
    for (const vevent of calendar.getAllSubcomponents('vevent')) {
      let uid = String(vevent.getFirstPropertyValue('uid') ?? '').trim()
      if (!uid) {
        uid = newUid()
        vevent.updatePropertyWithValue('uid', uid)
      }
      if (!vevent.hasProperty('dtstart')) {
        summary.skipped.push({ what: String(vevent.getFirstPropertyValue('summary') ?? uid), why: 'it has no start (DTSTART)' })
        continue
      }
      groups.set(uid, [...(groups.get(uid) ?? []), vevent])
    }
    for (const [uid, vevents] of groups) {
      const object = new ICAL.Component('vcalendar')
      object.addPropertyWithValue('version', '2.0')
      object.addPropertyWithValue('prodid', PRODID)
      const used = new Set(vevents.flatMap((v) => v.getAllProperties().map((p) => p.getParameter('tzid')).filter((t): t is string => typeof t === 'string')))
      for (const tzid of used) {
        const zone = zones.get(tzid)
        if (zone) object.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(zone.toJSON()))))
      }
      for (const v of vevents) object.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(v.toJSON()))))
      const title = String(vevents[0]!.getFirstPropertyValue('summary') ?? '(no title)')
      const data = object.toString()
      const have = existing.get(uid)
      if (!have) {
        writes.push({ accountId, calendarUrl, href: hrefFor(calendarUrl, uid), etag: null, data })
        summary.added++
        continue
      }
      const current = parsedRow(have)
      if (!current) {
        writes.push({ accountId, calendarUrl, href: have.href, etag: have.etag, data })
        summary.updated++
        continue
      }
      if (fingerprint(current.calendar) === fingerprint(object)) {
        summary.skipped.push({ what: title, why: 'the calendar already has it, unchanged' })
        continue
      }
      const mine = current.master?.component ?? current.overrides[0]?.component
      const theirs = vevents.find((v) => !v.hasProperty('recurrence-id')) ?? vevents[0]!
      const newer = !mine || sequenceOf(theirs) > sequenceOf(mine) || (sequenceOf(theirs) === sequenceOf(mine) && modifiedOf(theirs) > modifiedOf(mine))
      if (!newer) {
        summary.skipped.push({ what: title, why: 'the calendar has the same or a newer version' })
        continue
      }
      writes.push({ accountId, calendarUrl, href: have.href, etag: have.etag, data })
      summary.updated++
    }
  }
  if (writes.length > 0) await actions.write(writes)
  return summary
}

/** One .ics file with every event of the calendar, each time zone once. */
export async function exportIcs(db: CalendarDatabase, accountId: AccountId, calendarUrl: string, name: string): Promise<string> {
  const out = new ICAL.Component('vcalendar')
  out.addPropertyWithValue('version', '2.0')
  out.addPropertyWithValue('prodid', PRODID)
  out.addPropertyWithValue('x-wr-calname', name)
  const zones = new Set<string>()
  const rows = await db.events.where('[accountId+calendarUrl+href]').between(...calendarRange(accountId, calendarUrl)).toArray()
  for (const row of rows) {
    if (row.deleted) continue
    const object = parsedRow(row)
    if (!object) continue
    for (const zone of object.calendar.getAllSubcomponents('vtimezone')) {
      const tzid = String(zone.getFirstPropertyValue('tzid'))
      if (zones.has(tzid)) continue
      zones.add(tzid)
      out.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(zone.toJSON()))))
    }
    for (const vevent of object.calendar.getAllSubcomponents('vevent')) out.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(vevent.toJSON()))))
  }
  return out.toString()
}

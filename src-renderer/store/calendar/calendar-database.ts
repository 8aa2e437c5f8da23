import { Dexie, type Table } from 'dexie'
import type { AccountId } from '../../../src-main/common/domain/account'
import type { CalendarCollection, CalendarCursor } from '../../../src-main/common/domain/calendar'

/** IndexedDB cannot index booleans: what is filtered by is 0 or 1. */
export type Bit = 0 | 1

/** A calendar as discovery found it, with the user's choices and where its sync stands. */
export interface CalendarRow extends CalendarCollection {
  accountId: AccountId
  /** shown in the views */
  visible: Bit
  /** committed together with the objects it covers (DESIGN.md flow 1) */
  cursor: CalendarCursor | null
  syncedAt: number | null
  syncError: string | null
}

/** The server's version of an object, kept when a write met someone else's change (412). */
export interface ConflictVersion {
  /** null: deleted on the server */
  etag: string | null
  data: string | null
}

/**
 * One calendar object resource: the iCalendar text exactly as the server keeps it (so properties
 * Quire does not understand survive a round trip), plus what queries need parsed out of it.
 */
export interface EventRow {
  accountId: AccountId
  calendarUrl: string
  href: string
  uid: string
  /** the server version `data` is based on; null: not on the server yet */
  etag: string | null
  data: string
  summary: string
  /** every occurrence lies between these instants (ms); open-ended series run to MAX_SAFE_INTEGER */
  rangeStart: number
  rangeEnd: number
  recurring: Bit
  hasAlarms: Bit
  /** a local change the server has not confirmed */
  pending: Bit
  /** deleted here, the delete not yet confirmed */
  deleted: Bit
  /** set when a write found the server's version changed: the user chooses */
  conflict: ConflictVersion | null
  /** why `data` could not be read, if it could not */
  parseError: string | null
}

/** A write on its way to the server; per calendar they go in order. The data is the row's at send time. */
export interface CalendarTaskRow {
  id?: number
  accountId: AccountId
  calendarUrl: string
  href: string
  kind: 'put' | 'delete'
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  createdAt: number
}

/** What happened to one reminder on this device: shown, snoozed or dismissed. */
export interface AlarmStateRow {
  /** href | recurrence id | alarm index | trigger instant */
  key: string
  firedAt: number | null
  snoozedUntil: number | null
  dismissedAt: number | null
}

/** Something the user should learn about that happened away from their eyes. */
export interface CalendarNoticeRow {
  id?: number
  text: string
  createdAt: number
  read: Bit
}

export interface MetaRow {
  key: string
  value: unknown
}

export type CalendarKey = [AccountId, string]
export type EventKey = [AccountId, string, string]

/**
 * The calendar side of the renderer's cache, a database of its own (`quire-calendar`), so that
 * calendar migrations never touch mail's. Migrations: add `this.version(N + 1)` below the last,
 * naming only the tables whose indexes change; never edit a shipped version.
 */
export class CalendarDatabase extends Dexie {
  declare readonly calendars: Table<CalendarRow, CalendarKey>
  declare readonly events: Table<EventRow, EventKey>
  declare readonly tasks: Table<CalendarTaskRow, number>
  declare readonly alarmStates: Table<AlarmStateRow, string>
  declare readonly notices: Table<CalendarNoticeRow, number>
  declare readonly meta: Table<MetaRow, string>

  constructor(name = 'quire-calendar') {
    super(name)
    this.version(1).stores({
      calendars: '[accountId+url], accountId',
      // the key's prefix serves "every object of a calendar"; rangeStart serves the views
      events: '[accountId+calendarUrl+href], rangeStart, uid, hasAlarms, pending',
      tasks: '++id, [accountId+calendarUrl], href',
      alarmStates: 'key',
      notices: '++id, read',
      meta: 'key',
    })
  }
}

/** Key range of every object of one calendar. */
export function calendarRange(accountId: AccountId, calendarUrl: string): [unknown[], unknown[]] {
  return [
    [accountId, calendarUrl, Dexie.minKey],
    [accountId, calendarUrl, Dexie.maxKey],
  ]
}

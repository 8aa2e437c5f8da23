import ICAL from 'ical.js'
import type { AccountId } from '../../../src-main/common/domain/account'
import type { CalendarDatabase, EventKey, EventRow } from './calendar-database'
import type { CalendarTaskQueue } from './calendar-tasks'
import { acknowledgeAlarm, createObjectData, deleteEvent, moveEvent, updateEvent, type EditResult, type EventDraft, type Scope } from './event-edit'
import { eventRow } from './event-row'
import type { Occurrence } from './ical-object'
import type { Organizer } from './attendees'
import { withOrganizer } from './itip-plan'

/** Where an occurrence lives: its calendar object resource. */
export interface ObjectRef {
  accountId: AccountId
  calendarUrl: string
  href: string
}

/** An organiser's event written: before and after (null: none), for the scheduler to invite or cancel (RFC 5546). */
export interface ScheduledChange {
  accountId: AccountId
  calendarUrl: string
  href: string
  before: string | null
  after: string | null
}

/** Calendar scheduling: who organises what I invite people to, and what happens once it is saved. */
export interface SchedulingHooks {
  organizerFor(accountId: AccountId): Promise<Organizer | null>
  written(change: ScheduledChange): void
}

export interface CalendarActionsOptions {
  now?: () => number
  newUid?: () => string
  scheduling?: SchedulingHooks
}

/** 128 random bits as a UUID (randomUUID needs a secure context; getRandomValues does not). */
function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A UID (RFC 5545 §3.8.4.7) and a resource name from it that any server takes. */
export function newUid(): string {
  return `${randomId()}@quire`
}

export function hrefFor(calendarUrl: string, uid: string): string {
  const name = uid.replace(/@quire$/, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || randomId()
  return new URL(`${name}.ics`, calendarUrl).href
}

/**
 * What the user does to events, as optimistic changes: each writes the new iCalendar text into the
 * store and a task in one transaction (DESIGN.md flow 2); the views show it at once and the task
 * queue takes it to the server.
 */
export class CalendarActions {
  private readonly now: () => number
  private readonly makeUid: () => string
  private readonly scheduling: SchedulingHooks | undefined

  constructor(
    private readonly db: CalendarDatabase,
    private readonly tasks: CalendarTaskQueue,
    options: CalendarActionsOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.makeUid = options.newUid ?? newUid
    this.scheduling = options.scheduling
  }

  /** An event that gets attendees without an organiser is organised by me (RFC 5545 §3.8.4.3). */
  private async organised(accountId: AccountId, draft: EventDraft): Promise<EventDraft> {
    if (!this.scheduling || draft.attendees.length === 0 || draft.organizer) return draft
    return withOrganizer(draft, await this.scheduling.organizerFor(accountId))
  }

  /** A new event in a calendar; resolves with where it lives. */
  async create(accountId: AccountId, calendarUrl: string, draft: EventDraft): Promise<ObjectRef> {
    const uid = this.makeUid()
    const href = hrefFor(calendarUrl, uid)
    const data = createObjectData(uid, await this.organised(accountId, draft), this.now())
    await this.write([{ accountId, calendarUrl, href, etag: null, data }])
    this.scheduling?.written({ accountId, calendarUrl, href, before: null, after: data })
    return { accountId, calendarUrl, href }
  }

  /** Saves the editor's draft for an occurrence ("this", "following" or "all" of a series). */
  async update(ref: ObjectRef, occurrence: Occurrence | null, draft: EventDraft, scope: Scope): Promise<void> {
    const row = await this.row(ref)
    await this.applyEdit(row, updateEvent(row.data, occurrence, await this.organised(ref.accountId, draft), scope, this.now(), this.makeUid))
  }

  /** Drag and drop: a new start and end on the display zone's wall clock. */
  async move(ref: ObjectRef, occurrence: Occurrence, start: string, end: string, allDay: boolean, displayZone: string, scope: Scope): Promise<void> {
    const row = await this.row(ref)
    await this.applyEdit(row, moveEvent(row.data, occurrence, start, end, allDay, displayZone, scope, this.now(), this.makeUid))
  }

  async delete(ref: ObjectRef, occurrence: Occurrence, scope: Scope): Promise<void> {
    const row = await this.row(ref)
    await this.applyEdit(row, deleteEvent(row.data, occurrence, scope, this.now()))
  }

  /** Moves a whole event to another calendar: created there, then deleted here. */
  async moveToCalendar(ref: ObjectRef, targetCalendarUrl: string): Promise<ObjectRef> {
    const row = await this.row(ref)
    if (targetCalendarUrl === ref.calendarUrl) return ref
    const href = hrefFor(targetCalendarUrl, row.uid || this.makeUid())
    const target = { accountId: ref.accountId, calendarUrl: targetCalendarUrl, href }
    await this.write([{ ...target, etag: null, data: row.data }])
    await this.write([{ ...ref, etag: row.etag, data: null }])
    return target
  }

  /** RFC 9074: a dismissed reminder is ACKNOWLEDGED on the server, so other devices stop showing it. */
  async acknowledge(ref: ObjectRef, recurrenceId: string | null, alarmIndex: number, at: number): Promise<void> {
    const row = await this.db.events.get([ref.accountId, ref.calendarUrl, ref.href])
    if (!row || row.deleted) return
    const data = acknowledgeAlarm(row.data, recurrenceId, alarmIndex, at)
    if (data !== row.data) await this.write([{ ...ref, etag: row.etag, data }])
  }

  /**
   * Settles a conflict. "mine": write my version over the server's current one (now knowingly);
   * "theirs": take the server's; "both": take theirs and keep mine as a new event.
   */
  async resolveConflict(ref: ObjectRef, choice: 'mine' | 'theirs' | 'both'): Promise<void> {
    const { db } = this
    const row = await this.row(ref)
    const server = row.conflict
    if (!server) return
    const key: EventKey = [ref.accountId, ref.calendarUrl, ref.href]
    if (choice === 'mine') {
      if (row.deleted && server.data === null) {
        await db.events.delete(key) // both sides deleted it
        return
      }
      await db.transaction('rw', [db.events, db.tasks], async () => {
        await db.events.update(key, { etag: server.etag, conflict: null, pending: 1 })
        await db.tasks.add(this.task(ref, row.deleted ? 'delete' : 'put'))
      })
      this.tasks.kick(ref.accountId, ref.calendarUrl)
      return
    }
    const mine = row.deleted ? null : row.data
    await db.transaction('rw', [db.events, db.tasks], async () => {
      if (server.data === null) await db.events.delete(key)
      else await db.events.put(eventRow(ref.accountId, ref.calendarUrl, ref.href, server.etag, server.data))
    })
    if (choice === 'both' && mine) {
      const uid = this.makeUid()
      const calendar = new ICAL.Component(ICAL.parse(mine))
      for (const vevent of calendar.getAllSubcomponents('vevent')) vevent.updatePropertyWithValue('uid', uid)
      await this.write([{ accountId: ref.accountId, calendarUrl: ref.calendarUrl, href: hrefFor(ref.calendarUrl, uid), etag: null, data: calendar.toString() }])
    }
  }

  private async row(ref: ObjectRef): Promise<EventRow> {
    const row = await this.db.events.get([ref.accountId, ref.calendarUrl, ref.href])
    if (!row) throw new Error('This event is no longer in the calendar.')
    return row
  }

  private async applyEdit(row: EventRow, result: EditResult): Promise<void> {
    const ref = { accountId: row.accountId, calendarUrl: row.calendarUrl }
    const writes: { accountId: AccountId; calendarUrl: string; href: string; etag: string | null; data: string | null }[] = [{ ...ref, href: row.href, etag: row.etag, data: result.data }]
    if (result.created) writes.push({ ...ref, href: hrefFor(row.calendarUrl, result.created.uid), etag: null, data: result.created.data })
    await this.write(writes)
    this.scheduling?.written({ ...ref, href: row.href, before: row.data, after: result.data })
    if (result.created) this.scheduling?.written({ ...ref, href: writes[1]!.href, before: null, after: result.created.data })
  }

  /** The optimistic change and its tasks, all or nothing; `data` null deletes. */
  async write(writes: { accountId: AccountId; calendarUrl: string; href: string; etag: string | null; data: string | null }[]): Promise<void> {
    const { db } = this
    await db.transaction('rw', [db.events, db.tasks], async () => {
      for (const w of writes) {
        const key: EventKey = [w.accountId, w.calendarUrl, w.href]
        const existing = await db.events.get(key)
        if (w.data === null) {
          if (!existing) continue
          if (existing.etag === null && !(await db.tasks.where('href').equals(w.href).count())) {
            await db.events.delete(key) // never reached the server: nothing to delete there
            continue
          }
          await db.events.update(key, { deleted: 1, pending: 1 })
          await db.tasks.add(this.task(w, 'delete'))
        } else {
          const etag = existing ? existing.etag : w.etag
          await db.events.put(eventRow(w.accountId, w.calendarUrl, w.href, etag, w.data, { pending: 1, deleted: 0, conflict: existing?.conflict ?? null }))
          await db.tasks.add(this.task(w, 'put'))
        }
      }
    })
    for (const w of writes) this.tasks.kick(w.accountId, w.calendarUrl)
  }

  private task(ref: ObjectRef, kind: 'put' | 'delete') {
    return { accountId: ref.accountId, calendarUrl: ref.calendarUrl, href: ref.href, kind, attempts: 0, nextAttemptAt: 0, lastError: null, createdAt: this.now() }
  }
}

import type { CalendarActions, ObjectRef } from './calendar-actions'
import type { CalendarDatabase, AlarmStateRow } from './calendar-database'
import { parsedRow } from './event-row'
import { alarmsOf, expandObject } from './ical-object'

/** A reminder that is due (or was, while Quire was not running). */
export interface Reminder {
  key: string
  ref: ObjectRef
  recurrenceId: string | null
  alarmIndex: number
  /** when it was due */
  at: number
  title: string
  description: string
  location: string
  start: number
  end: number
  allDay: boolean
  /** it came due while Quire was not running (or asleep) */
  missed: boolean
  readOnly: boolean
  /** a desktop notification was shown for it */
  notified: boolean
  /** when it first came due on this device (it notifies then, and only then) */
  firedAt: number | null
}

export interface ReminderOptions {
  now?: () => number
  /** the user's zone, for floating times */
  zone?: () => string
  /** how far ahead alarms are planned; the plan is redone well before that runs out */
  lookaheadMs?: number
  /** how far back a missed alarm is still worth showing */
  missedWindowMs?: number
  /** shows the desktop notification; false when it could not (no permission) */
  notify?: (reminder: Reminder) => boolean
}

const MINUTE = 60_000
/** later than this after it was due, an alarm counts as missed */
const GRACE_MS = 2 * MINUTE

/**
 * VALARMs (RFC 5545 §3.6.6) raised at their time: planned from the store for the next day and a
 * half, re-planned when events change and every quarter of an hour. Due alarms become reminders
 * (a desktop notification once, and the in-app list until snoozed or dismissed); what came due
 * while Quire was closed is shown once as missed. Dismissing writes ACKNOWLEDGED (RFC 9074) to the
 * server, so other devices stop too.
 */
export class ReminderScheduler {
  active: Reminder[] = []
  private readonly listeners = new Set<(active: Reminder[]) => void>()
  private timer: ReturnType<typeof setTimeout> | undefined
  private replanTimer: ReturnType<typeof setInterval> | undefined
  private planning: Promise<void> | null = null
  private again = false
  private started = false
  private readonly now: () => number
  private readonly lookaheadMs: number
  private readonly missedWindowMs: number

  constructor(
    private readonly db: CalendarDatabase,
    private readonly actions: CalendarActions,
    private readonly options: ReminderOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.lookaheadMs = options.lookaheadMs ?? 36 * 60 * MINUTE
    this.missedWindowMs = options.missedWindowMs ?? 7 * 24 * 60 * MINUTE
  }

  subscribe(listener: (active: Reminder[]) => void): () => void {
    this.listeners.add(listener)
    listener(this.active)
    return () => this.listeners.delete(listener)
  }

  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    this.replanTimer = setInterval(() => void this.replan(), 15 * MINUTE)
    await this.replan()
  }

  stop(): void {
    this.started = false
    clearTimeout(this.timer)
    clearInterval(this.replanTimer)
  }

  /** Plans again (events changed); concurrent calls coalesce into one more pass. */
  replan(): Promise<void> {
    if (!this.started) return Promise.resolve()
    if (this.planning) {
      this.again = true
      return this.planning
    }
    this.planning = (async () => {
      do {
        this.again = false
        await this.plan()
      } while (this.again)
    })().finally(() => (this.planning = null))
    return this.planning
  }

  async snooze(key: string, minutes: number): Promise<void> {
    await this.setState(key, { snoozedUntil: this.now() + minutes * MINUTE })
    this.publish(this.active.filter((r) => r.key !== key))
    await this.replan()
  }

  async dismiss(key: string): Promise<void> {
    const reminder = this.active.find((r) => r.key === key)
    const at = this.now()
    await this.setState(key, { dismissedAt: at, snoozedUntil: null })
    this.publish(this.active.filter((r) => r.key !== key))
    if (reminder && !reminder.readOnly) await this.actions.acknowledge(reminder.ref, reminder.recurrenceId, reminder.alarmIndex, at)
  }

  private publish(active: Reminder[]): void {
    this.active = active
    for (const listener of this.listeners) listener(active)
  }

  private async setState(key: string, changes: Partial<AlarmStateRow>): Promise<void> {
    const { db } = this
    await db.transaction('rw', db.alarmStates, async () => {
      const current = (await db.alarmStates.get(key)) ?? { key, firedAt: null, snoozedUntil: null, dismissedAt: null }
      await db.alarmStates.put({ ...current, ...changes })
    })
  }

  private async plan(): Promise<void> {
    const { db } = this
    const now = this.now()
    const from = now - this.missedWindowMs
    const to = now + this.lookaheadMs
    const zone = this.options.zone?.() ?? Intl.DateTimeFormat().resolvedOptions().timeZone
    const [rows, calendars, states] = await Promise.all([
      db.events.where('hasAlarms').equals(1).filter((r) => !r.deleted).toArray(),
      db.calendars.toArray(),
      db.alarmStates.toArray(),
    ])
    const stateOf = new Map(states.map((s) => [s.key, s]))
    const readOnly = new Map(calendars.map((c) => [`${c.accountId}\n${c.url}`, c.readOnly]))
    const due: Reminder[] = []
    let next = Infinity
    for (const row of rows) {
      if (!readOnly.has(`${row.accountId}\n${row.calendarUrl}`)) continue
      const object = parsedRow(row)
      if (!object) continue
      // a trigger may lie well before or after its occurrence: widen the window by a week each way
      for (const occurrence of expandObject(object, { from: from - 7 * 24 * 60 * MINUTE, to: to + 7 * 24 * 60 * MINUTE, zone })) {
        for (const alarm of alarmsOf(object, occurrence)) {
          if (alarm.at < from || alarm.at > to) continue
          if (alarm.acknowledged !== null && alarm.acknowledged >= alarm.at) continue
          const key = `${row.href}|${occurrence.recurrenceId ?? ''}|${alarm.index}|${alarm.at}`
          const state = stateOf.get(key)
          if (state?.dismissedAt) continue
          const dueAt = state?.snoozedUntil ?? alarm.at
          if (dueAt > now) {
            next = Math.min(next, dueAt)
            continue
          }
          const firedForThis = state?.firedAt != null && state.firedAt >= dueAt
          // missed: it first came due here well after its time (Quire was closed or asleep)
          const firstSeen = state?.firedAt ?? now
          due.push({
            key,
            ref: { accountId: row.accountId, calendarUrl: row.calendarUrl, href: row.href },
            recurrenceId: occurrence.recurrenceId,
            alarmIndex: alarm.index,
            at: alarm.at,
            title: occurrence.summary || '(no title)',
            description: alarm.description,
            location: occurrence.location,
            start: occurrence.start,
            end: occurrence.end,
            allDay: occurrence.allDay,
            missed: !state?.snoozedUntil && firstSeen - alarm.at > GRACE_MS,
            readOnly: readOnly.get(`${row.accountId}\n${row.calendarUrl}`) ?? true,
            notified: firedForThis,
            firedAt: firedForThis ? (state?.firedAt ?? null) : null,
          })
        }
      }
    }
    // each reminder notifies once: when it first comes due (or its snooze ends)
    for (const reminder of due) {
      if (reminder.notified) continue
      reminder.notified = this.options.notify?.(reminder) ?? false
      reminder.firedAt = now
      await this.setState(reminder.key, { firedAt: now })
    }
    this.publish(due.sort((a, b) => a.at - b.at))
    clearTimeout(this.timer)
    if (Number.isFinite(next) && this.started) this.timer = setTimeout(() => void this.replan(), Math.max(0, next - this.now()) + 50)
  }
}

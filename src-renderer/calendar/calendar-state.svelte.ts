import { liveQuery } from 'dexie'
import type { DavAccount } from '../../src-main/common/domain/dav-account'
import { mainConnection } from '../shell/connection.svelte'
import { CalendarActions } from '../store/calendar/calendar-actions'
import { CalendarDatabase, type CalendarNoticeRow, type CalendarRow, type EventRow } from '../store/calendar/calendar-database'
import { CalendarSync, type AccountSyncState } from '../store/calendar/calendar-sync'
import { ReminderScheduler, type Reminder } from '../store/calendar/reminders'
import { loadPrefs, savePrefs, type CalendarPrefs } from './calendar-prefs'
import { invitations } from './invitations.svelte'

/** Shows a reminder on the desktop (web mode: the Notification API; Electron: the same, natively). */
function desktopNotify(reminder: Reminder): boolean {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false
  try {
    const when = reminder.allDay ? 'today' : new Date(reminder.start).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })
    const body = [reminder.missed ? `Missed reminder · ${when}` : when, reminder.location, reminder.description !== reminder.title ? reminder.description : '']
      .filter(Boolean)
      .join('\n')
    new Notification(reminder.title, { body, tag: reminder.key })
    return true
  } catch {
    return false
  }
}

/**
 * The calendar as the UI sees it: the store (database, sync, writes, reminders), the user's
 * preferences, and live views of what the store holds. It starts with the app, so reminders fire
 * whichever section is open.
 */
class CalendarApp {
  readonly db = new CalendarDatabase()
  sync: CalendarSync | undefined
  actions: CalendarActions | undefined
  reminders: ReminderScheduler | undefined

  started = $state(false)
  startError = $state<string | undefined>()
  davAccounts = $state<DavAccount[]>([])
  davLoaded = $state(false)
  calendars = $state<CalendarRow[]>([])
  calendarsLoaded = $state(false)
  accountStates = $state<Record<string, AccountSyncState>>({})
  notices = $state<CalendarNoticeRow[]>([])
  conflicts = $state<EventRow[]>([])
  waiting = $state(0)
  activeReminders = $state<Reminder[]>([])
  prefs = $state<CalendarPrefs>(loadPrefs())

  constructor() {
    if (typeof window !== 'undefined') void this.start()
  }

  setPrefs(changes: Partial<CalendarPrefs>): void {
    this.prefs = { ...this.prefs, ...changes }
    savePrefs(this.prefs)
  }

  private async start(): Promise<void> {
    try {
      const client = await mainConnection.ready
      const sync = new CalendarSync(client, this.db)
      const actions = new CalendarActions(this.db, sync.tasks, { scheduling: invitations.hooks })
      invitations.attach(this)
      const reminders = new ReminderScheduler(this.db, actions, { notify: desktopNotify, zone: () => this.prefs.zone })
      this.sync = sync
      this.actions = actions
      this.reminders = reminders
      client.subscribe('dav.accounts.changed', {}, {
        onEvent: (accounts) => {
          this.davAccounts = accounts
          this.davLoaded = true
        },
      })
      const watch = <T>(query: () => Promise<T>, apply: (value: T) => void) =>
        liveQuery(query).subscribe({ next: apply, error: (error: unknown) => console.error('Quire calendar query failed:', error) })
      watch(
        () => this.db.calendars.toArray(),
        (rows) => {
          this.calendars = rows.sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || a.name.localeCompare(b.name))
          this.calendarsLoaded = true
        },
      )
      watch(
        () => this.db.meta.where('key').startsWith('account:').toArray(),
        (rows) => (this.accountStates = Object.fromEntries(rows.map((r) => [r.key.slice('account:'.length), r.value as AccountSyncState]))),
      )
      watch(
        () => this.db.notices.where('read').equals(0).toArray(),
        (rows) => (this.notices = rows),
      )
      watch(
        () => this.db.events.where('pending').equals(1).filter((r) => r.conflict !== null).toArray(),
        (rows) => (this.conflicts = rows),
      )
      watch(
        () => this.db.tasks.count(),
        (count) => (this.waiting = count),
      )
      // events with alarms changed: plan the reminders again
      watch(
        () => this.db.events.where('hasAlarms').equals(1).toArray(),
        () => void reminders.replan(),
      )
      reminders.subscribe((active) => (this.activeReminders = active))
      await sync.start()
      await reminders.start()
      // a reconnect (web mode: the network) is a good moment to send what waits
      addEventListener('online', () => void sync.tasks.retryNow())
      this.started = true
    } catch (error) {
      this.startError = error instanceof Error ? error.message : String(error)
    }
  }

  stateOf(accountId: string): AccountSyncState | undefined {
    return this.accountStates[accountId]
  }

  async dismissNotice(id: number): Promise<void> {
    await this.db.notices.update(id, { read: 1 })
  }

  async setVisible(calendar: CalendarRow, visible: boolean): Promise<void> {
    await this.db.calendars.update([calendar.accountId, calendar.url], { visible: visible ? 1 : 0 })
  }
}

export const calendarApp = new CalendarApp()

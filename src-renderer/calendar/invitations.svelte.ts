import { liveQuery } from 'dexie'
import type { Account, AccountId } from '../../src-main/common/domain/account'
import type { CalendarScheduling } from '../../src-main/common/domain/calendar'
import type { Mailbox } from '../../src-main/common/domain/compose'
import type { DavAccount } from '../../src-main/common/domain/dav-account'
import { accountList } from '../settings/accounts.svelte'
import { mainConnection } from '../shell/connection.svelte'
import type { Attendee, Organizer, ParticipationStatus } from '../store/calendar/attendees'
import { hrefFor, type CalendarActions, type ScheduledChange, type SchedulingHooks } from '../store/calendar/calendar-actions'
import type { CalendarDatabase, CalendarRow, EventKey, EventRow } from '../store/calendar/calendar-database'
import { applyCancel, applyReply, buildReply, formatWhen, mergeRequest, readItip, setMyPartstat, type ItipEvent, type ReplyOutcome } from '../store/calendar/itip'
import { occurrencesBetween } from '../store/calendar/occurrence-query'
import { messageText, planInvitations } from '../store/calendar/itip-plan'
import { newMessageId } from '../store/compose/draft-wire'

/** What the invitations need of the calendar app (given by it, so neither module imports the other). */
export interface CalendarHost {
  readonly db: CalendarDatabase
  readonly actions: CalendarActions | undefined
  readonly davAccounts: DavAccount[]
  readonly calendars: CalendarRow[]
  readonly prefs: { zone: string }
  readonly sync: { syncAll(): Promise<unknown> } | undefined
}

/** One iMIP message on its way, waiting for the user's yes, or failed (shown with Retry). */
export interface OutgoingInvitation {
  id: string
  method: 'REQUEST' | 'CANCEL' | 'REPLY'
  mailAccountId: AccountId | null
  from: Mailbox
  to: Mailbox[]
  subject: string
  text: string
  data: string
  messageId: string
  summary: string
  state: 'ask' | 'sending' | 'failed'
  error: string | null
}

/** Who I am on a DAV account for scheduling, and whether its server sends invitations itself (RFC 6638). */
export interface Identity extends Organizer {
  mailAccount: Account | undefined
  serverSchedules: boolean
}

/** Where an invitation was read: in mail (answered by iMIP), or in a DAV account's schedule inbox (answered by saving my copy: the server sends the REPLY, RFC 6638 §3.2). */
export type InvitationOrigin = { kind: 'mail'; accountId: AccountId } | { kind: 'inbox'; davAccountId: AccountId; href: string; etag: string | null }

/** A message in a schedule inbox, for the calendar view's Invitations panel. */
export interface InboxItem {
  davAccountId: AccountId
  href: string
  etag: string | null
  data: string
  method: string | null
}

const STORAGE_KEY = 'quire.calendar.invitation-outbox'
const NO_SCHEDULING: CalendarScheduling = { addresses: [], serverSchedules: false, inboxUrl: null, outboxUrl: null }

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

const mailbox = (person: Attendee | Organizer): Mailbox => ({ name: person.name ?? '', address: person.address })

/**
 * Calendar scheduling by mail (RFC 6047 iMIP) for the organiser and for attendees: invitations,
 * updates and cancellations after an organised event is saved; answers to invitations read in mail;
 * replies and cancellations applied to my calendar. Messages that fail stay in an outbox with a
 * Retry (kept across reloads); their Message-ID is fixed, so a retry never sends twice.
 */
class Invitations {
  outbox = $state<OutgoingInvitation[]>([])
  /** invitations and cancellations waiting in schedule inboxes (servers that schedule, RFC 6638) */
  inbox = $state<InboxItem[]>([])
  inboxError = $state<string | null>(null)
  /** my scheduling address per DAV account, once known */
  private addresses = $state<Record<string, string>>({})
  private host: CalendarHost | undefined
  private readonly scheduling = new Map<string, Promise<CalendarScheduling>>()

  readonly hooks: SchedulingHooks = {
    organizerFor: async (accountId) => {
      const identity = await this.identity(accountId)
      return identity ? { address: identity.address, name: identity.name } : null
    },
    written: (change) => void this.written(change).catch((error: unknown) => console.error('Quire could not plan invitations:', error)),
  }

  constructor() {
    if (typeof localStorage === 'undefined') return
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as OutgoingInvitation[]
      // a send cut off by a reload is retried by hand: its Message-ID makes that safe
      this.outbox = saved.map((item) => (item.state === 'sending' ? { ...item, state: 'failed', error: item.error ?? 'Quire was closed while sending.' } : item))
    } catch {
      this.outbox = []
    }
  }

  attach(host: CalendarHost): void {
    this.host = host
  }

  private get db(): CalendarDatabase {
    if (!this.host) throw new Error('The calendar is not ready yet.')
    return this.host.db
  }

  get zone(): string {
    return this.host?.prefs.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
  }

  private schedulingOf(accountId: AccountId): Promise<CalendarScheduling> {
    let known = this.scheduling.get(accountId)
    if (!known) {
      known = mainConnection.ready.then((client) => client.call('calendar.scheduling', { accountId })).catch(() => NO_SCHEDULING)
      this.scheduling.set(accountId, known)
    }
    return known
  }

  /** RFC 6638 calendar-user-address-set, else the linked mail account's address, else the login if it is an address. */
  async identity(davAccountId: AccountId): Promise<Identity | null> {
    const dav = this.host?.davAccounts.find((a) => a.id === davAccountId)
    const scheduling = await this.schedulingOf(davAccountId)
    const mail = accountList.accounts
    const linked = dav?.mailAccountId ? mail.find((a) => a.id === dav.mailAccountId) : undefined
    const address =
      scheduling.addresses.find((a) => mail.some((m) => m.email.toLowerCase() === a)) ??
      scheduling.addresses[0] ??
      linked?.email.toLowerCase() ??
      (dav?.username.includes('@') ? dav.username.toLowerCase() : null)
    if (!address) return null
    if (this.addresses[davAccountId] !== address) this.addresses = { ...this.addresses, [davAccountId]: address }
    const account = mail.find((m) => m.email.toLowerCase() === address) ?? linked
    return { address, name: account?.displayName || null, mailAccount: account, serverSchedules: scheduling.serverSchedules }
  }

  /** An address of mine: one of my mail accounts'. */
  isMine(address: string): boolean {
    return accountList.accounts.some((a) => a.email.toLowerCase() === address.toLowerCase())
  }

  private async written(change: ScheduledChange): Promise<void> {
    // most events have no organiser: nothing to schedule, and no need to ask the server who I am
    if (!/^ORGANIZER[;:]/m.test(change.before ?? '') && !/^ORGANIZER[;:]/m.test(change.after ?? '')) {
      // attendees, but nobody to invite them as: say so rather than send nothing in silence
      if (change.before === null && /^ATTENDEE[;:]/m.test(change.after ?? '')) {
        const account = this.host?.davAccounts.find((a) => a.id === change.accountId)
        await this.db.notices.add({
          text: `No invitations were sent: Quire does not know your address on ${account?.name ?? 'this calendar account'}. Link it to your mail account in Settings → Calendars & contacts, then save the event again.`,
          createdAt: Date.now(),
          read: 0,
        })
      }
      return
    }
    const identity = await this.identity(change.accountId)
    const isMe = (address: string) => address === identity?.address || this.isMine(address)
    const plan = planInvitations(change.before, change.after, isMe, Date.now())
    if (plan.length === 0) return
    // RFC 6638: the server schedules, saving was all it takes (sending too would invite twice)
    if (identity?.serverSchedules) return
    let notSaved: string | null = null
    if (change.after !== null) await this.saved(change).catch((error: unknown) => (notSaved = errorText(error)))
    for (const message of plan) {
      const organizer = message.event.organizer!
      const account = accountList.accounts.find((a) => a.email.toLowerCase() === organizer.address) ?? identity?.mailAccount
      const from = { name: account?.displayName || organizer.name || '', address: organizer.address }
      const { subject, text } = messageText(message.method, message.event, this.zone, { from: from.name || from.address, reason: message.reason })
      const item: OutgoingInvitation = {
        id: crypto.randomUUID(),
        method: message.method,
        mailAccountId: account?.id ?? null,
        from,
        to: message.to.map(mailbox),
        subject,
        text,
        data: message.data,
        messageId: newMessageId(from.address),
        summary: message.event.summary || '(no title)',
        state: message.askFirst ? 'ask' : 'sending',
        error: account ? null : `No mail account sends as ${organizer.address}. Add it in Settings → Accounts, then try again.`,
      }
      if (!account || notSaved) Object.assign(item, { state: 'failed', error: item.error ?? notSaved })
      this.outbox = [...this.outbox, item]
      this.persist()
      // a failure stays in the outbox, shown with Retry
      if (item.state === 'sending') await this.deliver(item.id).catch(() => undefined)
    }
  }

  /** Resolves once the object reached the server (the write's task is done): invitations follow a successful save only. */
  private saved(change: ScheduledChange): Promise<void> {
    const key: EventKey = [change.accountId, change.calendarUrl, change.href]
    return new Promise((resolve, reject) => {
      const subscription = liveQuery(() => this.db.events.get(key)).subscribe({
        next: (row: EventRow | undefined) => {
          if (row && row.pending === 0 && row.etag !== null) {
            subscription.unsubscribe()
            resolve()
          } else if (!row || row.conflict) {
            subscription.unsubscribe()
            reject(new Error('The event was not saved, so no invitations were sent.'))
          }
        },
        error: (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      })
    })
  }

  /** Sends (or sends again) one outbox message; on failure it stays with the error, for Retry. */
  async deliver(id: string): Promise<void> {
    const item = this.outbox.find((i) => i.id === id)
    if (!item) return
    if (!item.mailAccountId) {
      this.update(id, { state: 'failed' })
      return
    }
    this.update(id, { state: 'sending', error: null })
    try {
      const client = await mainConnection.ready
      await client.call('compose.sendItip', {
        accountId: item.mailAccountId,
        messageId: item.messageId,
        from: item.from,
        to: item.to,
        subject: item.subject,
        text: item.text,
        html: null,
        calendar: { method: item.method, data: item.data },
      })
      this.outbox = this.outbox.filter((i) => i.id !== id)
      this.persist()
    } catch (error) {
      this.update(id, { state: 'failed', error: errorText(error) })
      throw error
    }
  }

  dismiss(id: string): void {
    this.outbox = this.outbox.filter((i) => i.id !== id)
    this.persist()
  }

  private update(id: string, changes: Partial<OutgoingInvitation>): void {
    this.outbox = this.outbox.map((i) => (i.id === id ? { ...i, ...changes } : i))
    this.persist()
  }

  private persist(): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(this.outbox))
    } catch {
      // storage full or unavailable: the outbox still works for this session
    }
  }

  // ——— the attendee's and the organiser's side of messages read in mail ———

  /** My copy of an event: the object with that UID in any of my calendars. */
  copyOf(uid: string): Promise<EventRow | undefined> {
    return this.db.events
      .where('uid')
      .equals(uid)
      .filter((row) => !row.deleted)
      .first()
  }

  /** My other events at the time of an invitation (timed ones; all-day events rarely block a meeting). */
  async conflicts(event: ItipEvent): Promise<{ summary: string; when: string }[]> {
    if (event.end <= event.start || event.allDay) return []
    const zone = this.zone
    const found = await occurrencesBetween(this.db, event.start, event.end, zone)
    return found.filter((o) => o.uid !== event.uid && o.status !== 'CANCELLED' && !o.allDay).map((o) => ({ summary: o.summary || '(no title)', when: formatWhen(o, zone) }))
  }

  /** Where an accepted invitation goes: a writable calendar of the DAV account linked to the mail account, else the first writable one. */
  defaultCalendar(mailAccountId: AccountId): CalendarRow | undefined {
    const calendars = (this.host?.calendars ?? []).filter((c) => !c.readOnly && (c.components.length === 0 || c.components.includes('VEVENT')))
    const linked = new Set((this.host?.davAccounts ?? []).filter((a) => a.mailAccountId === mailAccountId).map((a) => a.id as string))
    return calendars.find((c) => linked.has(c.accountId)) ?? calendars[0]
  }

  /** Which attendee of an invitation I am: the receiving account's address (or the DAV account's scheduling address), else any of mine. */
  meIn(event: ItipEvent, origin: InvitationOrigin): string {
    const own = origin.kind === 'mail' ? accountList.accounts.find((a) => a.id === origin.accountId)?.email.toLowerCase() : this.addresses[origin.davAccountId]
    return event.attendees.find((a) => a.address === own)?.address ?? event.attendees.find((a) => this.isMine(a.address))?.address ?? own ?? ''
  }

  /** My scheduling address for a DAV account's inbox, once known; null for mail (whose address `isMine` knows). */
  addressOf(origin: InvitationOrigin): string | null {
    return origin.kind === 'inbox' ? (this.addresses[origin.davAccountId] ?? null) : null
  }

  /** Reads the schedule inbox of every DAV account whose server schedules: invitations and cancellations to answer. */
  async loadInbox(): Promise<void> {
    const accounts = (this.host?.davAccounts ?? []).filter((a) => a.calendars)
    const items: InboxItem[] = []
    const errors: string[] = []
    for (const account of accounts) {
      const identity = await this.identity(account.id)
      if (!identity?.serverSchedules) continue
      try {
        const client = await mainConnection.ready
        for (const object of await client.call('calendar.inbox', { accountId: account.id })) {
          const method = /^METHOD:([A-Za-z-]+)\s*$/m.exec(object.data)?.[1]?.toUpperCase() ?? null
          if (method === 'REQUEST' || method === 'CANCEL') items.push({ davAccountId: account.id, href: object.href, etag: object.etag, data: object.data, method })
        }
      } catch (error) {
        errors.push(`${account.name}: ${errorText(error)}`)
      }
    }
    this.inbox = items
    this.inboxError = errors.length ? `Invitations could not be read (${errors.join('; ')}).` : null
  }

  /** A handled message leaves the schedule inbox. */
  async removeFromInbox(origin: Extract<InvitationOrigin, { kind: 'inbox' }>): Promise<void> {
    const client = await mainConnection.ready
    await client.call('calendar.inboxDelete', { accountId: origin.davAccountId, href: origin.href, etag: origin.etag })
    this.inbox = this.inbox.filter((i) => i.href !== origin.href)
  }

  /**
   * Accept, Tentative or Decline: my copy (new, or updated) with my PARTSTAT in my calendar, and the
   * REPLY to the organiser by mail from the account that received the invitation.
   */
  async respond(origin: InvitationOrigin, request: string, partstat: ParticipationStatus, comment: string): Promise<void> {
    const actions = this.host?.actions
    if (!actions) throw new Error('The calendar is not ready yet.')
    const event = readItip(request, this.zone)
    if (origin.kind === 'inbox') await this.identity(origin.davAccountId)
    const me = this.meIn(event, origin)
    if (!event.organizer) throw new Error('This invitation names no organiser to answer.')
    let copy = await this.copyOf(event.uid)
    if (!copy && origin.kind === 'inbox') {
      // the server put its copy in my calendar when it delivered the invitation (RFC 6638 §3.2.1): fetch it rather than make a second
      await this.host?.sync?.syncAll()
      copy = await this.copyOf(event.uid)
    }
    // the server's own copy is answered as it is (it keeps what the server set on it); a copy made from mail follows the invitation
    const base = origin.kind === 'inbox' && copy ? copy.data : mergeRequest(copy?.data ?? null, request, me)
    const data = setMyPartstat(base, me, partstat)
    if (copy) await actions.write([{ accountId: copy.accountId, calendarUrl: copy.calendarUrl, href: copy.href, etag: copy.etag, data }])
    else {
      const calendar = origin.kind === 'mail' ? this.defaultCalendar(origin.accountId) : this.host?.calendars.find((c) => c.accountId === origin.davAccountId && !c.readOnly)
      if (!calendar) throw new Error('You have no calendar to put this event in. Add a calendar account in Settings.')
      await actions.write([{ accountId: calendar.accountId, calendarUrl: calendar.url, href: hrefFor(calendar.url, event.uid), etag: null, data }])
    }
    if (origin.kind === 'inbox') {
      // RFC 6638 §3.2.2: saving my copy with my PARTSTAT is the answer; the server sends the REPLY
      await this.removeFromInbox(origin)
      return
    }
    const mailAccountId = origin.accountId
    const account = accountList.accounts.find((a) => a.id === mailAccountId)
    if (!account) throw new Error('The account that received this invitation is gone.')
    const reply = buildReply(request, me, partstat, Date.now(), { comment, name: account.displayName })
    const from = { name: account.displayName, address: me }
    const { subject, text } = messageText('REPLY', event, this.zone, { from: account.displayName || me, partstat, comment })
    const item: OutgoingInvitation = {
      id: crypto.randomUUID(),
      method: 'REPLY',
      mailAccountId,
      from,
      to: [mailbox(event.organizer)],
      subject,
      text,
      data: reply,
      messageId: newMessageId(me),
      summary: event.summary || '(no title)',
      state: 'sending',
      error: null,
    }
    this.outbox = [...this.outbox, item]
    this.persist()
    await this.deliver(item.id)
  }

  /** An organiser's update (a newer SEQUENCE) to my copy: the event as they send it now, my answer and reminders kept. */
  async applyUpdate(copy: EventRow, request: string, origin: InvitationOrigin): Promise<void> {
    const me = this.meIn(readItip(request, this.zone), origin)
    await this.host?.actions?.write([{ accountId: copy.accountId, calendarUrl: copy.calendarUrl, href: copy.href, etag: copy.etag, data: mergeRequest(copy.data, request, me) }])
  }

  /** An attendee's REPLY to an event I organise: their status on my event. */
  async applyReply(reply: string): Promise<ReplyOutcome & { found: boolean }> {
    const uid = readItip(reply, this.zone).uid
    const copy = await this.copyOf(uid)
    if (!copy) return { ...emptyOutcome(reply), found: false }
    const outcome = applyReply(copy.data, reply)
    if (outcome.data) await this.host?.actions?.write([{ accountId: copy.accountId, calendarUrl: copy.calendarUrl, href: copy.href, etag: copy.etag, data: outcome.data }])
    return { ...outcome, found: true }
  }

  /** The organiser cancelled: my copy goes (or only the cancelled instance). */
  async removeCancelled(copy: EventRow, cancel: string): Promise<void> {
    const data = applyCancel(copy.data, cancel, Date.now())
    await this.host?.actions?.write([{ accountId: copy.accountId, calendarUrl: copy.calendarUrl, href: copy.href, etag: copy.etag, data }])
  }
}

function emptyOutcome(reply: string): ReplyOutcome {
  const event = readItip(reply, 'UTC')
  const attendee = event.attendees[0]
  return { data: null, attendee: attendee?.address ?? '', name: attendee?.name ?? null, partstat: attendee?.partstat ?? 'NEEDS-ACTION', comment: event.comment, skipped: 'other-event' }
}

export const invitations = new Invitations()

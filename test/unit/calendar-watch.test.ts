import type { AccountId } from '../../src-main/common/domain/account'
import { DavAccount } from '../../src-main/common/domain/dav-account'
import { CalendarWatch, type WatchTick } from '../../src-main/dav/caldav/calendar-watch'

const account = (id: string, syncIntervalSeconds: number, calendars = true) => DavAccount.parse({ id, name: id, serverUrl: 'dav.example.test', username: 'u', syncIntervalSeconds, calendars })

describe('the calendar poll timer (main)', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }))
  afterEach(() => vi.useRealTimers())

  it('says when each account is next checked, ticks at its interval, and follows changes to the accounts', () => {
    let accounts = [account('account-a', 60), account('account-b', 300), account('account-c', 60, false)]
    const listeners = new Set<(list: DavAccount[]) => void>()
    const watch = new CalendarWatch({ list: () => accounts, onChange: (l) => (listeners.add(l), () => listeners.delete(l)) })
    const ticks: WatchTick[] = []
    watch.subscribe((tick) => ticks.push(tick))
    const t0 = Date.UTC(2026, 0, 1)
    expect(ticks).toEqual([
      { accountId: 'account-a', nextCheckAt: t0 + 60_000, due: false },
      { accountId: 'account-b', nextCheckAt: t0 + 300_000, due: false },
    ])
    ticks.length = 0
    vi.advanceTimersByTime(120_000)
    expect(ticks).toEqual([
      { accountId: 'account-a', nextCheckAt: t0 + 120_000, due: true },
      { accountId: 'account-a', nextCheckAt: t0 + 180_000, due: true },
    ])
    ticks.length = 0
    // the user sets account-a to every 10 minutes and removes account-b
    accounts = [account('account-a', 600)]
    for (const l of listeners) l(accounts)
    expect(ticks).toEqual([{ accountId: 'account-a' as AccountId, nextCheckAt: t0 + 120_000 + 600_000, due: false }])
    ticks.length = 0
    vi.advanceTimersByTime(600_000)
    expect(ticks.map((t) => t.accountId)).toEqual(['account-a'])
    watch.close()
    vi.advanceTimersByTime(3_600_000)
    expect(ticks).toHaveLength(1)
  })
})

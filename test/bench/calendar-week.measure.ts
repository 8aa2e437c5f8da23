import { randomUUID } from 'node:crypto'
import { inject } from 'vitest'
import { CalDavPeer } from '../integration/support/caldav-peer'
import { startWebMode } from '../e2e/web-mode'
import { launchChromium, mainClient } from './browser'
import { median, record, wanted } from './figures'

const servers = inject('servers')
const EVENTS = 200

it('calendar: week view render time with 200 events in the week', async ({ skip }) => {
  if (!wanted('calendar.week.render')) skip()
  const peer = new CalDavPeer(servers.radicaleUrl, 'carol', servers.users.carol.password)
  const calendarUrl = `${servers.radicaleUrl}/carol/calendar/`
  for (const href of await peer.list(calendarUrl)) await peer.delete(href)
  const monday = new Date()
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7))
  const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').slice(0, 15)
  for (let i = 0; i < EVENTS; i++) {
    const start = new Date(Date.UTC(monday.getUTCFullYear(), monday.getUTCMonth(), monday.getUTCDate() + (i % 5), 8 + (i % 9), (i % 4) * 15))
    const end = new Date(start.getTime() + 45 * 60_000)
    const uid = randomUUID()
    await peer.put(
      `${calendarUrl}${uid}.ics`,
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Quire bench//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${stamp(start)}Z`, `DTEND:${stamp(end)}Z`, `SUMMARY:Meeting ${i}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
    )
  }

  const web = await startWebMode()
  const browser = await launchChromium()
  try {
    const client = await mainClient(web.url)
    await client.call('dav.accounts.add', { settings: { name: 'Carol', serverUrl: servers.radicaleUrl, username: 'carol' }, password: servers.users.carol.password })
    client.close()
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(`${web.url}#/calendar`)
    await page.getByRole('button', { name: 'Week', exact: true }).click()
    await page.waitForFunction((n) => document.querySelectorAll('.ec-event').length >= n, EVENTS, { timeout: 120_000 })

    const runs: number[] = []
    for (let run = 0; run < 5; run++) {
      await page.getByRole('button', { name: 'Month', exact: true }).click()
      await page.waitForFunction(() => document.querySelectorAll('.ec-day-grid, .ec-month').length > 0)
      runs.push(
        await page.evaluate(async (n) => {
          const week = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Week')!
          const started = performance.now()
          week.click()
          // until every event is laid out, then one painted frame
          while (document.querySelectorAll('.ec-time-grid .ec-event, .ec-week .ec-event, .ec-body .ec-event').length < n) await new Promise(requestAnimationFrame)
          await new Promise(requestAnimationFrame)
          return performance.now() - started
        }, EVENTS),
      )
    }
    record({ name: 'calendar.week.render.200', value: median(runs), unit: 'ms', baseline: null, target: null })
  } finally {
    await browser.close()
    await web.stop()
  }
})

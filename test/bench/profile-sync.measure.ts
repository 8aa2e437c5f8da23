import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { startWebMode } from '../e2e/web-mode'
import { accountFor, launchChromium, mainClient, waitForCached } from './browser'
import { wanted } from './figures'
import { seedFolder } from './seed-maildir'

const servers = inject('servers')

// `npm run bench -- --only profile`: a CPU profile of the page during a 10k initial sync, summarised by
// self time in $TMPDIR/quire-sync-profile.txt (the whole profile beside it, for DevTools)
it('profile: the page during the initial sync of 10k headers', async ({ skip }) => {
  if (process.env.QUIRE_BENCH_ONLY !== 'profile' || !wanted('profile')) skip()
  seedFolder(servers, 'bob', 'Bench', 10_000)
  const browser = await launchChromium()
  const web = await startWebMode({ env: { NODE_EXTRA_CA_CERTS: servers.caCertPath } })
  try {
    const client = await mainClient(web.url)
    const account = await client.call('accounts.add', { settings: accountFor(servers, 'bob'), password: servers.users.bob.password })
    client.close()
    const page = await browser.newPage()
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 })
    await cdp.send('Profiler.start')
    await page.goto(web.url)
    await waitForCached(page, account.id, 'Bench', 10_000, 10 * 60_000)
    const { profile } = await cdp.send('Profiler.stop')
    const self = new Map<string, number>()
    const byId = new Map(profile.nodes.map((n) => [n.id, n]))
    const dt = profile.timeDeltas ?? []
    profile.samples?.forEach((id, i) => {
      const node = byId.get(id)!
      const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}`
      self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000)
    })
    const total = [...self.values()].reduce((a, b) => a + b, 0)
    const lines = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
    writeFileSync(join(tmpdir(), 'quire-sync-profile.txt'), `total ${total.toFixed(0)} ms\n${lines.join('\n')}\n`)
    writeFileSync(join(tmpdir(), 'quire-sync-profile.cpuprofile'), JSON.stringify(profile))
  } finally {
    await browser.close()
    await web.stop()
  }
})

import { createPrivateKey } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCertificate, pemBlocks } from '../../src-main/smime/certificate'
import { benchSignThenEncrypt } from '../../src-main/smime/smime-bench'
import { prepareCalendarBench } from '../../src-renderer/store/calendar/calendar-bench'
import { makeSmimeFixtures } from '../fixtures/smime/make-fixtures'
import { median, record, wanted } from './figures'

const runs = 5
const timed = (work: () => unknown) => {
  const started = performance.now()
  work()
  return performance.now() - started
}

it('calendar: expanding a year of 1,000 events, a third recurring', ({ skip }) => {
  if (!wanted('calendar.expand.year')) skip()
  const bench = prepareCalendarBench()
  bench.expand() // the first run also compiles; the figure is a warm one
  record({ name: 'calendar.expand.year.1000', value: median(Array.from({ length: runs }, () => timed(() => bench.expand()))), unit: 'ms', baseline: null, target: 50 })
})

it('S/MIME: sign then encrypt a 10 MB message, beside openssl cms on the same input', ({ skip }) => {
  if (!wanted('smime.sign-encrypt')) skip()
  const fixtures = makeSmimeFixtures()
  try {
    const entity = Buffer.from(`Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(7.5 * 1024 * 1024, 'quire').toString('base64').replace(/(.{76})/g, '$1\r\n')}\r\n`)
    const input = join(fixtures.dir, 'entity.eml')
    writeFileSync(input, entity)
    const cert = (file: string) => parseCertificate(pemBlocks(readFileSync(file, 'utf8'))[0]!)
    const signer = {
      privateKey: createPrivateKey(readFileSync(fixtures.alice.key)),
      certificate: cert(fixtures.alice.cert),
      chain: pemBlocks(readFileSync(fixtures.alice.chain, 'utf8')).map(parseCertificate),
    }
    const recipients = [fixtures.bob.cert, fixtures.alice.cert].map((file) => ({ certificate: cert(file), capabilities: null }))

    const ours = Array.from({ length: runs }, () => timed(() => benchSignThenEncrypt(entity, signer, recipients)))
    const openssl = Array.from({ length: runs }, () =>
      timed(() => {
        const signed = fixtures.openssl(['cms', '-sign', '-in', input, '-signer', fixtures.alice.cert, '-inkey', fixtures.alice.key, '-certfile', fixtures.alice.chain, '-md', 'sha256', '-binary'])
        fixtures.openssl(['cms', '-encrypt', '-aes-256-cbc', '-binary', fixtures.bob.cert, fixtures.alice.cert], signed)
      }),
    )
    record({ name: 'smime.sign-encrypt.10MB', value: median(ours), unit: 'ms', baseline: median(openssl), target: 1.5 })
  } finally {
    fixtures.cleanup()
  }
})

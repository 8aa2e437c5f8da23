import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { FileVault } from '../accounts/file-vault'
import { createApp } from '../main'
import { startWebHost } from './host'

/**
 * `npm run serve`: the main services headless, the renderer and its WebSocket on
 * loopback. Prints exactly one line `QUIRE_URL=…` (scripts and tests read it).
 */
async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string', default: join(process.cwd(), '.quire-data') },
      host: { type: 'string', default: '127.0.0.1' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    strict: true,
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not “${values.port}”.`)
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new Error('--tls-cert and --tls-key go together.')

  const dataDir = resolve(values['data-dir'])
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const passphrase = process.env.QUIRE_VAULT_PASSPHRASE
  const vault = await FileVault.open({
    path: join(dataDir, 'vault.json'),
    key: passphrase ? { passphrase } : { keyFile: join(dataDir, 'vault.key') },
  })
  const app = await createApp({ mode: 'web', dataDir, vault })
  const tls = values['tls-cert'] && values['tls-key'] ? { cert: await readFile(values['tls-cert']), key: await readFile(values['tls-key']) } : undefined
  const here = dirname(fileURLToPath(import.meta.url))
  const host = await startWebHost({ router: app.router, rendererDir: resolve(here, '../web'), host: values.host, port, ...(tls ? { tls } : {}) })
  process.stdout.write(`QUIRE_URL=${host.url}\n`)

  const stop = async () => {
    await host.close()
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`quire: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})

import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { createServer, type Server, type TLSSocket } from 'node:tls'
import type { ServersEnv } from '../../servers/servers-env'

/**
 * Fault injection in front of the real Dovecot: a TLS endpoint (with the test servers' own
 * certificate, so clients verify it against the test CA as usual) that forwards in plain text to
 * Dovecot's IMAP port and reads the client's command lines on the way. When a line matches
 * `cutWhen`, it closes both sides before the line reaches the server — what a client sees when
 * Dovecot's imap process dies on a command (a huge folder over `default_vsz_limit`).
 */
export class ImapFaultProxy {
  /** command lines that close the connection instead of reaching the server */
  cutWhen: RegExp | null = null
  /** connections accepted so far */
  accepted = 0
  /** connections cut by `cutWhen` so far */
  cuts = 0
  /** the most connections open at the same time so far */
  mostOpen = 0
  private readonly open = new Set<Socket>()

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(servers: ServersEnv): Promise<ImapFaultProxy> {
    const certs = join(servers.dir, 'certs')
    const server = createServer({ cert: readFileSync(join(certs, 'server.pem')), key: readFileSync(join(certs, 'server.key')) })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (!address || typeof address === 'string') throw new Error('the proxy has no port')
    const proxy = new ImapFaultProxy(server, address.port)
    server.on('secureConnection', (client) => proxy.forward(client, servers))
    return proxy
  }

  /** Cuts every connection that selects or examines `path` (RFC 3501 §6.3.1/§6.3.2), or stops cutting. */
  cutOnOpen(path: string | null): void {
    const name = path === null ? null : path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    this.cutWhen = name === null ? null : new RegExp(`^\\S+ (SELECT|EXAMINE) "?${name}"?( |\\r?$)`, 'i')
  }

  /** Cuts every open connection now, as a network outage would. */
  cutAll(): void {
    for (const socket of this.open) socket.destroy()
  }

  get openConnections(): number {
    // each proxied connection is two sockets
    return this.open.size / 2
  }

  async close(): Promise<void> {
    this.cutAll()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private forward(client: TLSSocket, servers: ServersEnv): void {
    this.accepted++
    const upstream = connect(servers.imap.port, servers.imap.host)
    this.open.add(client)
    this.open.add(upstream)
    this.mostOpen = Math.max(this.mostOpen, this.openConnections)
    const end = () => {
      client.destroy()
      upstream.destroy()
      this.open.delete(client)
      this.open.delete(upstream)
    }
    for (const socket of [client, upstream]) {
      socket.on('error', end)
      socket.on('close', end)
    }
    upstream.pipe(client)
    // client lines are held until their CRLF so a command can be cut before the server sees any of it;
    // literals (APPEND) end in CRLF too, so nothing waits for long
    let pending = Buffer.alloc(0)
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (let eol = pending.indexOf('\r\n'); eol >= 0; eol = pending.indexOf('\r\n')) {
        const line = pending.subarray(0, eol + 2)
        pending = pending.subarray(eol + 2)
        if (this.cutWhen?.test(line.toString('latin1').replace(/\r\n$/, ''))) {
          this.cuts++
          end()
          return
        }
        upstream.write(line)
      }
    })
  }
}

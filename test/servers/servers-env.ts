import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'

export type TestUserName = 'alice' | 'bob' | 'carol'

/** A user every server knows. IMAP, submission and Sieve take the email or the bare name; DAV takes the bare name. */
export interface TestUser {
  email: string
  password: string
}

export interface TcpService {
  host: string
  port: number
}

/** A service on two ports: `port` upgrades with STARTTLS, `tlsPort` is TLS from the first byte. */
export interface TlsTcpService extends TcpService {
  tlsPort: number
}

/** How to reach one running stack of test servers (see servers.sh). Plain data, so vitest can provide it to tests. */
export interface ServersEnv {
  dir: string
  imap: TlsTcpService
  submission: TlsTcpService
  sieve: TcpService
  lmtp: TcpService
  /** OpenSMTPD behind Dovecot submission: no auth, delivers example.test locally, keeps other domains in `outboundMaildir` */
  smtpRelay: TcpService
  radicaleUrl: string
  /** Cyrus httpd: CalDAV with RFC 6638 scheduling (free/busy via the schedule outbox) */
  cyrusDavUrl: string
  ldapUrl: string
  ldapsUrl: string
  ldapBaseDn: string
  ldapAdmin: { dn: string; password: string }
  /** Every TLS service presents a certificate from this throwaway CA only */
  caCertPath: string
  caCert: string
  /** Dovecot's mail: `<maildirRoot>/<user>/Maildir` */
  maildirRoot: string
  /** Mail to any domain but example.test ends up in this Maildir instead of leaving the machine */
  outboundMaildir: string
  users: Record<TestUserName, TestUser>
}

/** Reads DIR/servers.env, which `servers.sh start DIR` writes once every server answers. */
export function readServersEnv(dir: string): ServersEnv {
  const file = join(dir, 'servers.env')
  const vars = parseEnv(readFileSync(file, 'utf8'))
  const text = (key: string): string => {
    const value = vars[key]
    if (!value) throw new Error(`${file} has no ${key}`)
    return value
  }
  const port = (key: string): number => {
    const value = Number(text(key))
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${file}: ${key} is not a port`)
    return value
  }
  const host = text('SERVERS_HOST')
  const user = (name: TestUserName): TestUser => ({ email: text(`TEST_EMAIL_${name}`), password: text(`TEST_PASSWORD_${name}`) })
  const caCertPath = text('TEST_CA_CERT')
  return {
    dir: text('SERVERS_DIR'),
    imap: { host, port: port('IMAP_PORT'), tlsPort: port('IMAPS_PORT') },
    submission: { host, port: port('SUBMISSION_PORT'), tlsPort: port('SUBMISSIONS_PORT') },
    sieve: { host, port: port('MANAGESIEVE_PORT') },
    lmtp: { host, port: port('LMTP_PORT') },
    smtpRelay: { host, port: port('SMTP_RELAY_PORT') },
    radicaleUrl: text('RADICALE_URL'),
    cyrusDavUrl: text('CYRUS_DAV_URL'),
    ldapUrl: text('LDAP_URL'),
    ldapsUrl: text('LDAPS_URL'),
    ldapBaseDn: text('LDAP_BASE_DN'),
    ldapAdmin: { dn: text('LDAP_BIND_DN'), password: text('LDAP_BIND_PASSWORD') },
    caCertPath,
    caCert: readFileSync(caCertPath, 'utf8'),
    maildirRoot: text('MAILDIR_ROOT'),
    outboundMaildir: text('OUTBOUND_SINK_MAILDIR'),
    users: { alice: user('alice'), bob: user('bob'), carol: user('carol') },
  }
}

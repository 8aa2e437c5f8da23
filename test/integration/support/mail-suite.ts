import type { ImapFlow } from 'imapflow'
import type { Account } from '../../../src-main/common/domain/account'
import type { MailServiceOptions } from '../../../src-main/mail/mail-service'
import type { ServersEnv, TestUser } from '../../servers/servers-env'
import { ImapFaultProxy } from './imap-fault-proxy'
import { appendPlain, connectPeer, freshFolder } from './imap-peer'
import { MailHarness } from './mail-harness'
import type { TestAccountChanges } from './test-accounts'

/**
 * What every mail test file needs for one test user: another IMAP client (`peer`) and the fault
 * proxy, opened before the file's tests and closed after them, and a way to run the mail service.
 */
export class MailSuite {
  private opened: { peer: ImapFlow; proxy: ImapFaultProxy } | null = null

  constructor(
    readonly servers: ServersEnv,
    readonly user: TestUser,
  ) {
    beforeAll(async () => {
      this.opened = { peer: await connectPeer(servers, user), proxy: await ImapFaultProxy.start(servers) }
    })
    afterAll(async () => {
      await this.opened?.peer.logout().catch(() => undefined)
      await this.opened?.proxy.close()
    })
  }

  get peer(): ImapFlow {
    if (!this.opened) throw new Error('the suite is not open yet')
    return this.opened.peer
  }

  get proxy(): ImapFaultProxy {
    if (!this.opened) throw new Error('the suite is not open yet')
    return this.opened.proxy
  }

  /** A new peer connection, after the server dropped the old one. */
  async reconnectPeer(): Promise<void> {
    if (!this.opened) throw new Error('the suite is not open yet')
    await this.opened.peer.logout().catch(() => undefined)
    this.opened.peer = await connectPeer(this.servers, this.user)
  }

  /** Account settings that reach Dovecot through the fault proxy. */
  viaProxy(): TestAccountChanges {
    return { imap: { host: '127.0.0.1', port: this.proxy.port, security: 'tls' } }
  }

  /** A folder no other test uses, holding `count` plain messages (with `flags`). */
  async folderWith(label: string, count: number, flags: string[] = []): Promise<{ path: string; uids: number[] }> {
    const path = freshFolder(label)
    await this.peer.mailboxCreate(path)
    return { path, uids: await appendPlain(this.peer, path, count, 1, flags) }
  }

  /** Runs `use` with a mail service and an account of the suite's user; ends both (and any fault) after. */
  async withMail(use: (mail: MailHarness, account: Account) => Promise<void>, setup: { options?: MailServiceOptions; account?: TestAccountChanges } = {}): Promise<void> {
    const mail = new MailHarness(this.servers, setup.options)
    try {
      await use(mail, mail.accounts.add(this.user, setup.account))
    } finally {
      this.proxy.cutWhen = null
      await mail.close()
    }
  }
}

import MailComposer from 'nodemailer/lib/mail-composer'
import { inject } from 'vitest'
import type { Account } from '../../src-main/common/domain/account'
import type { MailTask } from '../../src-main/common/domain/mail'
import { appendRaw, freshFolder, serverState } from './support/imap-peer'
import type { MailHarness } from './support/mail-harness'
import { MailSuite } from './support/mail-suite'

const servers = inject('servers')
const suite = new MailSuite(servers, servers.users.alice)

const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(5000))
const png = Buffer.from('89504e470d0a1a0a' + '00'.repeat(60), 'hex')

describe('mail.body and mail.attachment', () => {
  it('returns text, HTML, attachments with their IMAP part ids, and inline images; downloads a part', async () => {
    const { path } = await suite.folderWith('body', 0)
    const raw = await new MailComposer({
      from: 'Bob <bob@example.test>',
      to: 'alice@example.test',
      subject: 'Quarterly',
      text: 'Plain words',
      html: '<p>Rich <b>words</b></p><img src="cid:chart">',
      attachments: [
        { filename: 'report.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'chart.png', content: png, cid: 'chart' },
      ],
    })
      .compile()
      .build()
    const uid = await appendRaw(suite.peer, path, raw)
    await suite.withMail(async (mail, account) => {
      const body = await mail.call('mail.body', { accountId: account.id, path, uid })
      expect(body.text?.trim()).toBe('Plain words')
      expect(body.html).toContain('<img src="cid:chart">')
      const report = body.attachments.find((a) => a.filename === 'report.pdf')
      expect(report).toMatchObject({ contentType: 'application/pdf', inline: false, contentId: null })
      expect(body.attachments.find((a) => a.filename === 'chart.png')).toMatchObject({ contentId: 'chart', inline: true })
      expect(body.inlineImages).toEqual([{ contentId: 'chart', contentType: 'image/png', base64: png.toString('base64') }])

      const download = await mail.call('mail.attachment', { accountId: account.id, path, uid, partId: report!.partId })
      expect(download).toMatchObject({ filename: 'report.pdf', contentType: 'application/pdf' })
      expect(Buffer.from(download.base64, 'base64').equals(pdf)).toBe(true)
    })
  })

  it('malformed MIME does not fail: what can be read is returned', async () => {
    const { path } = await suite.folderWith('malformed', 0)
    const broken = [
      'From: x@example.test',
      'Subject: broken',
      'Content-Type: multipart/mixed; boundary="never-closed"',
      '',
      '--never-closed',
      'Content-Type: text/plain; charset=no-such-charset',
      'Content-Transfer-Encoding: base64',
      '',
      'SGVsbG8gd29ybGQ=*** not base64 ***',
      '--never-closed',
      'Content-Type: application/octet-stream; name="a.bin"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '=ZZ=4',
    ].join('\r\n')
    const uid = await appendRaw(suite.peer, path, broken)
    await suite.withMail(async (mail, account) => {
      const body = await mail.call('mail.body', { accountId: account.id, path, uid })
      expect(body.text).toContain('Hello world')
      const header = (await mail.call('mail.sync', { accountId: account.id, path, cursor: null, limit: 10 })).added[0]
      expect(header).toMatchObject({ subject: 'broken', hasAttachments: true, snippet: expect.stringContaining('Hello world') })
    })
  })

  it('a message that is gone is NOT_FOUND', async () => {
    const { path } = await suite.folderWith('gone', 0)
    await suite.withMail(async (mail, account) => {
      await expect(mail.call('mail.body', { accountId: account.id, path, uid: 4242 })).rejects.toMatchObject({ code: 'NOT_FOUND', retryable: false })
    })
  })
})

describe('mail.apply', () => {
  const apply = (mail: MailHarness, account: Account, task: MailTask) => mail.call('mail.apply', { accountId: account.id, task })

  it('sets and clears flags and keywords', async () => {
    const { path, uids } = await suite.folderWith('flags', 3)
    await suite.withMail(async (mail, account) => {
      await apply(mail, account, { kind: 'flags', path, uids: [uids[0]!, uids[1]!], add: ['\\Seen', '$Junk', '$Forwarded'], remove: [] })
      await apply(mail, account, { kind: 'flags', path, uids: [uids[1]!], add: ['$NotJunk'], remove: ['$Junk'] })
      const { flags } = await serverState(suite.peer, path)
      expect(flags[uids[0]!]).toEqual(['$Forwarded', '$Junk', '\\Seen'])
      expect(flags[uids[1]!]).toEqual(['$Forwarded', '$NotJunk', '\\Seen'])
      expect(flags[uids[2]!]).toEqual([])
    })
  })

  it.each([
    ['UID MOVE (RFC 6851)', []],
    ['COPY, \\Deleted and UID EXPUNGE without MOVE', ['MOVE']],
  ])('moves with %s; a retried move of UIDs already gone succeeds', async (_name, ignored) => {
    const { path, uids } = await suite.folderWith('move', 4)
    const to = freshFolder('move-to')
    await suite.peer.mailboxCreate(to)
    await suite.withMail(
      async (mail, account) => {
        const task: MailTask = { kind: 'move', path, uids: [uids[0]!, uids[2]!], to }
        await apply(mail, account, task)
        await apply(mail, account, task)
        expect((await serverState(suite.peer, path)).uids).toEqual([uids[1], uids[3]])
        expect((await serverState(suite.peer, to)).uids).toHaveLength(2)
      },
      { options: { ignoreCapabilities: ignored } },
    )
  })

  it('copies, and expunges exactly the given UIDs', async () => {
    const { path, uids } = await suite.folderWith('expunge', 4)
    const to = freshFolder('copy-to')
    await suite.peer.mailboxCreate(to)
    // another client marked one more message \Deleted: UID EXPUNGE must leave it (RFC 4315 §2.1)
    await suite.peer.mailboxOpen(path)
    await suite.peer.messageFlagsAdd(String(uids[3]), ['\\Deleted'], { uid: true })
    await suite.withMail(async (mail, account) => {
      await apply(mail, account, { kind: 'copy', path, uids: [uids[0]!], to })
      await apply(mail, account, { kind: 'expunge', path, uids: [uids[0]!, uids[1]!] })
      expect((await serverState(suite.peer, path)).uids).toEqual([uids[2], uids[3]])
      expect((await serverState(suite.peer, to)).uids).toHaveLength(1)
    })
  })

  it('a move to a folder that does not exist is refused for good (NOT_FOUND, naming it), and nothing moves', async () => {
    const { path, uids } = await suite.folderWith('refused', 2)
    const missing = freshFolder('no-such-folder')
    await suite.withMail(async (mail, account) => {
      await expect(apply(mail, account, { kind: 'move', path, uids, to: missing })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        retryable: false,
        message: expect.stringContaining(missing),
      })
      expect((await serverState(suite.peer, path)).uids).toEqual(uids)
    })
  })

  it('a connection lost in the middle of a task is OFFLINE, which the task queue retries', async () => {
    const { path, uids } = await suite.folderWith('offline', 2)
    const to = freshFolder('offline-to')
    await suite.peer.mailboxCreate(to)
    await suite.withMail(
      async (mail, account) => {
        suite.proxy.cutWhen = /^\S+ UID MOVE /i
        try {
          await expect(apply(mail, account, { kind: 'move', path, uids, to })).rejects.toMatchObject({ code: 'OFFLINE', retryable: true })
        } finally {
          suite.proxy.cutWhen = null
        }
        await apply(mail, account, { kind: 'move', path, uids, to })
        expect((await serverState(suite.peer, to)).uids).toHaveLength(2)
      },
      { account: suite.viaProxy() },
    )
  })
})

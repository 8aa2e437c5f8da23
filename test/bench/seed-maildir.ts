import { execFileSync } from 'node:child_process'
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ServersEnv, TestUserName } from '../servers/harness'

/**
 * Fills a Dovecot folder with `count` realistic messages the fast way: Maildir files
 * written directly, then `doveadm force-resync` (an APPEND per message would take
 * minutes for 100k). Threads, non-ASCII subjects, 5% with an attachment.
 */
export function seedFolder(servers: ServersEnv, user: TestUserName, folder: string, count: number): void {
  const maildir = join(servers.maildirRoot, user, 'Maildir', folder)
  const { uid, gid } = mailOwner()
  // a rerun on the same stack starts from an empty folder (force-resync then drops the stale index)
  rmSync(maildir, { recursive: true, force: true })
  for (const sub of ['', 'cur', 'new', 'tmp']) {
    mkdirSync(join(maildir, sub), { recursive: true })
    chownSync(join(maildir, sub), uid, gid)
  }
  const start = Date.UTC(2024, 0, 1)
  for (let i = 0; i < count; i++) {
    const date = new Date(start + i * 60_000 * 7)
    const seen = i % 3 !== 0 ? 'S' : ''
    const flagged = i % 50 === 0 ? 'F' : ''
    // Maildir file name: time.unique.host:2,flags — Dovecot keeps the order of the names it finds
    const name = `${Math.floor(date.getTime() / 1000)}.M${i}P1.bench:2,${flagged}${seen}`
    const file = join(maildir, 'cur', name)
    writeFileSync(file, message(i, date, user, servers))
    chownSync(file, uid, gid)
  }
  execFileSync('/usr/bin/doveadm', ['-c', join(servers.dir, 'dovecot', 'dovecot.conf'), 'force-resync', '-u', servers.users[user].email, folder])
}

function mailOwner(): { uid: number; gid: number } {
  const [uid, gid] = execFileSync('id', ['-u', 'mail']).toString().trim().split('\n').concat(execFileSync('id', ['-g', 'mail']).toString().trim())
  return { uid: Number(uid), gid: Number(gid) }
}

const names = ['Ana Souza', 'Björn Åkesson', 'Chloé Dubois', 'Dmitri Ivanov', 'Emeka Obi', 'Fatima Zahra', 'Grace Lee', 'Hiro Tanaka', 'Ingrid Berg', 'José Martín']
const topics = ['Quarterly report', 'Offsite planning', 'Budget review', 'Release 4.2 notes', 'Hiring loop', 'Customer escalation', 'Design critique', 'Lunch on Friday?', 'Überprüfung der Zahlen', '会議の議事録']
const words = 'the project team will review numbers before our meeting and share updated figures with everyone after lunch please confirm'.split(' ')

function encodeWord(text: string): string {
  // RFC 2047 encoded-word for anything outside ASCII
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`
}

function message(i: number, date: Date, user: TestUserName, servers: ServersEnv): string {
  const thread = Math.floor(i / 4)
  const depth = i % 4
  const sender = names[i % names.length]!
  const senderAddress = `${sender.split(' ')[0]!.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}@bench.example`
  const subject = `${depth > 0 ? 'Re: ' : ''}${topics[thread % topics.length]} #${thread}`
  const id = (n: number) => `<bench-${n}@bench.example>`
  const references = depth > 0 ? Array.from({ length: depth }, (_, d) => id(thread * 4 + d)) : []
  const text = Array.from({ length: 60 }, (_, w) => words[(i + w * 7) % words.length]).join(' ')
  const headers = [
    `Return-Path: <${senderAddress}>`,
    `From: ${encodeWord(sender)} <${senderAddress}>`,
    `To: ${servers.users[user].email}`,
    `Subject: ${encodeWord(subject)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${id(i)}`,
    ...(references.length ? [`In-Reply-To: ${references.at(-1)}`, `References: ${references.join(' ')}`] : []),
    ...(i % 10 === 0 ? ['List-Unsubscribe: <mailto:unsubscribe@bench.example>'] : []),
    'MIME-Version: 1.0',
  ]
  if (i % 20 !== 0) {
    return [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text, ''].join('\r\n')
  }
  const boundary = `b${i}`
  const attachment = Buffer.alloc(6000, `attachment ${i} `).toString('base64').replace(/(.{76})/g, '$1\r\n')
  return [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    `Content-Type: application/pdf; name="report-${i}.pdf"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="report-${i}.pdf"`,
    '',
    attachment,
    `--${boundary}--`,
    '',
  ].join('\r\n')
}

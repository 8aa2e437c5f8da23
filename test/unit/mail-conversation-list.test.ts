import { describe, expect, it } from 'vitest'
import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageKey } from '../../src-renderer/store/database'
import { collapseThreads } from '../../src-renderer/mail/conversation-list'
import { keyId, type DatedKey } from '../../src-renderer/mail/list-source'

const a = 'account-a' as AccountId
const b = 'account-b' as AccountId
const key = (account: AccountId, path: string, uid: number): MessageKey => [account, path, uid]
const dated = (k: MessageKey, date: number): DatedKey => ({ key: k, date })

describe('collapseThreads', () => {
  it('keeps one row per thread, listed by its newest message and carrying all of its listed messages', () => {
    const newest = key(a, 'INBOX', 3)
    const report = key(a, 'INBOX', 2)
    const oldest = key(a, 'INBOX', 1)
    const threads = new Map([
      [keyId(newest), 't1'],
      [keyId(report), 't2'],
      [keyId(oldest), 't1'],
    ])
    const rows = collapseThreads([dated(newest, 30), dated(report, 20), dated(oldest, 10)], threads)
    expect(rows).toEqual([
      { key: newest, date: 30, members: [newest, oldest] },
      { key: report, date: 20, members: [report] },
    ])
  })

  it('keeps threads of different accounts apart, and a message of unknown thread on its own row', () => {
    const mine = key(a, 'INBOX', 1)
    const theirs = key(b, 'INBOX', 1)
    const unknown = key(a, 'INBOX', 9)
    const threads = new Map([
      [keyId(mine), 'same'],
      [keyId(theirs), 'same'],
    ])
    const rows = collapseThreads([dated(mine, 3), dated(theirs, 2), dated(unknown, 1)], threads)
    expect(rows.map((row) => row.members)).toEqual([[mine], [theirs], [unknown]])
  })
})

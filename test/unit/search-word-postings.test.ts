import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageKey } from '../../src-renderer/store/database'
import { WordPostings } from '../../src-renderer/search/word-postings'

const a = 'acc-a' as AccountId
const b = 'acc-b' as AccountId
const key = (account: AccountId, path: string, uid: number): MessageKey => [account, path, uid]
const uids = (found: { key: MessageKey }[]) => found.map((entry) => entry.key[2])

describe('the in-memory word index', () => {
  it('finds messages having a word that starts with every term, newest first', () => {
    const index = new WordPostings()
    index.set(key(a, 'INBOX', 1), 1000, ['team', 'budget'])
    index.set(key(a, 'INBOX', 2), 3000, ['teams', 'budgets', 'team'])
    index.set(key(a, 'Archive', 3), 2000, ['teamwork', 'review'])
    index.set(key(b, 'INBOX', 1), 4000, ['steam', 'budget'])
    expect(uids(index.search(['team']))).toEqual([2, 3, 1])
    expect(uids(index.search(['team', 'budg']))).toEqual([2, 1])
    // a term repeated, or matched by two words of one message, counts once
    expect(uids(index.search(['team', 'team', 'teams']))).toEqual([2])
    expect(uids(index.search(['budget']))).toEqual([1, 2, 1])
    expect(index.search(['budget'])[0]!.key).toEqual(key(b, 'INBOX', 1))
    expect(index.search(['zzz'])).toEqual([])
    expect(index.search([])).toEqual([])
    expect(uids(index.search(['team'], 2))).toEqual([2, 3])
  })

  it('forgets removed messages and replaces re-indexed ones', () => {
    const index = new WordPostings()
    index.set(key(a, 'INBOX', 1), 1000, ['draft'])
    index.set(key(a, 'INBOX', 2), 2000, ['draft'])
    index.set(key(a, 'Sent', 1), 3000, ['draft'])
    index.remove(key(a, 'INBOX', 2))
    expect(uids(index.search(['draft']))).toEqual([1, 1])
    index.set(key(a, 'INBOX', 1), 5000, ['final'])
    expect(index.search(['draft']).map((entry) => entry.key)).toEqual([key(a, 'Sent', 1)])
    expect(index.search(['final'])).toEqual([{ key: key(a, 'INBOX', 1), date: 5000 }])
    index.removeRange([a, 'INBOX', -Infinity], [a, 'INBOX', Infinity])
    expect(index.search(['final'])).toEqual([])
    expect(index.size).toBe(1)
  })

  it('orders many matches by date exactly, ties by the later indexed', () => {
    const index = new WordPostings()
    // 5000 messages whose dates share seconds and differ in milliseconds, indexed in no date order
    const dates = Array.from({ length: 5000 }, (_, i) => Date.UTC(2026, 0, 1) + ((i * 7919) % 5000) * 250)
    dates.forEach((date, i) => index.set(key(a, 'INBOX', i + 1), date, ['common', i % 2 ? 'odd' : 'even']))
    const expected = dates.map((date, i) => ({ date, uid: i + 1 })).sort((x, y) => y.date - x.date || y.uid - x.uid)
    const found = index.search(['common'], 1000)
    expect(found.map((entry) => entry.date)).toEqual(expected.slice(0, 1000).map((entry) => entry.date))
    expect(uids(found)).toEqual(expected.slice(0, 1000).map((entry) => entry.uid))
    expect(uids(index.search(['odd', 'comm']))).toEqual(expected.filter((entry) => entry.uid % 2 === 0).map((entry) => entry.uid))
  })

  it('keeps the exact order when a few messages are indexed after it was built (merged in, not sorted again)', () => {
    const index = new WordPostings()
    const dates = new Map<number, number>()
    const put = (uid: number, date: number) => (dates.set(uid, date), index.set(key(a, 'INBOX', uid), date, ['common']))
    for (let uid = 1; uid <= 800; uid++) put(uid, Date.UTC(2026, 0, 1) + ((uid * 7919) % 400) * 500)
    const expected = () => [...dates].sort(([u1, d1], [u2, d2]) => d2 - d1 || order.indexOf(u2) - order.indexOf(u1)).map(([uid]) => uid)
    // ties go to the later indexed: the order in which each UID was last indexed
    const order = [...dates.keys()]
    expect(uids(index.search(['common']))).toEqual(expected())
    // re-indexed (a flag change), and new mail at a date already listed, at the newest and the oldest
    for (const [uid, date] of [[5, dates.get(5)!], [17, dates.get(400)!], [801, dates.get(3)!], [802, Date.UTC(2027, 0, 1)], [803, 0]] as const) {
      put(uid, date)
      if (order.includes(uid)) order.splice(order.indexOf(uid), 1)
      order.push(uid)
      expect(uids(index.search(['common']))).toEqual(expected())
    }
  })

  it('answers the same from packed lists, pending ones and both, with gaps of several bytes', () => {
    const index = new WordPostings()
    // "rare" every 20,000th message (gaps of three varint bytes), "some" every 150th (two), "all" in each (one)
    const wordsOf = (i: number) => ['all', ...(i % 150 === 0 ? ['some'] : []), ...(i % 20_000 === 0 ? ['rare'] : [])]
    for (let i = 0; i < 30_000; i++) {
      index.set(key(a, 'INBOX', i + 1), i * 1000, wordsOf(i))
      if (i === 12_345) index.pack()
    }
    const expected = (keep: (i: number) => boolean) =>
      Array.from({ length: 30_000 }, (_, i) => i)
        .filter(keep)
        .reverse()
        .map((i) => i + 1)
    // half packed, half pending
    expect(uids(index.search(['rare']))).toEqual(expected((i) => i % 20_000 === 0))
    expect(uids(index.search(['some', 'al']))).toEqual(expected((i) => i % 150 === 0))
    expect(uids(index.search(['all'], 50))).toEqual(expected(() => true).slice(0, 50))
    index.pack()
    expect(uids(index.search(['rare']))).toEqual(expected((i) => i % 20_000 === 0))
    expect(uids(index.search(['some', 'all']))).toEqual(expected((i) => i % 150 === 0))
    // re-indexed after packing: the old number is gone, the new one pending
    index.set(key(a, 'INBOX', 1), 10 ** 12, ['all'])
    expect(uids(index.search(['rare']))).toEqual([20_001])
    expect(uids(index.search(['all'], 2))).toEqual([1, 30_000])
  })

  it('finds by prefix among words added in several rounds (the sorted vocabulary merges new words in)', () => {
    const index = new WordPostings()
    index.set(key(a, 'INBOX', 1), 1000, ['mango', 'apple'])
    expect(uids(index.search(['ap']))).toEqual([1])
    index.set(key(a, 'INBOX', 2), 2000, ['apricot', 'zebra', 'banana'])
    index.pack()
    index.set(key(a, 'INBOX', 3), 3000, ['apex', 'aardvark', 'mangrove'])
    expect(uids(index.search(['ap']))).toEqual([3, 2, 1])
    expect(uids(index.search(['man']))).toEqual([3, 1])
    expect(uids(index.search(['a']))).toEqual([3, 2, 1])
    expect(uids(index.search(['aa']))).toEqual([3])
    expect(uids(index.search(['z']))).toEqual([2])
    expect(uids(index.search(['b', 'z']))).toEqual([2])
  })
})

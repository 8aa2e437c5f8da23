import type { MessageKey } from '../../src-renderer/store/database'
import { PackedKeysBuilder } from '../../src-renderer/mail/listed-keys'
import { mailState } from '../../src-renderer/mail/mail-state.svelte'
import { accountId } from './store-fake-main'

const key = (uid: number): MessageKey => [accountId, 'INBOX', uid]

describe('the mail state over listed keys', () => {
  afterEach(() => {
    mailState.keys = []
    mailState.clearSelection()
  })

  it('applies an action on an open message that left the list to that message alone, never to the last row', () => {
    // conversation rows: the last one stands for two messages
    mailState.keys = [
      { key: key(1), date: 2 },
      { key: key(2), date: 1, members: [key(2), key(3)] },
    ]
    mailState.open(key(9))
    expect(mailState.activeIndex).toBe(-1)
    expect(mailState.targets()).toEqual([key(9)])
    mailState.open(key(2))
    expect(mailState.targets()).toEqual([key(2), key(3)])
  })

  it('moves, selects and finds neighbours in a packed list as in an array', () => {
    const packed = new PackedKeysBuilder()
    for (let uid = 5; uid >= 1; uid--) packed.push(accountId, 'INBOX', uid, uid * 1000)
    mailState.keys = packed.build()
    mailState.step(1)
    expect(mailState.active).toEqual(key(5))
    mailState.step(2, true)
    expect(mailState.targets()).toEqual([key(5), key(4), key(3)])
    expect(mailState.neighbourAfter([key(3)])).toEqual(key(2))
    mailState.selectAll()
    expect(mailState.targets()).toHaveLength(5)
  })
})

import {
  attribution,
  forwardHeaderLines,
  forwardSubject,
  mentionsAttachment,
  quotePlainText,
  replyRecipients,
  replySubject,
  threadingFields,
  type OriginalHeader,
} from '../../src-renderer/store/compose/reply-fields'
import { newMessageId } from '../../src-renderer/store/compose/draft-wire'

const a = (name: string, address: string) => ({ name, address })

function original(fields: Partial<OriginalHeader> = {}): OriginalHeader {
  return {
    subject: 'Plan',
    from: [a('Zoë', 'zoe@example.org')],
    to: [a('Alice', 'alice@example.test'), a('Bob', 'bob@example.test')],
    cc: [a('Carol', 'carol@example.test'), a('', 'ALICE@example.test')],
    replyTo: [],
    messageId: '<m2@example.org>',
    references: ['<m1@example.org>'],
    date: Date.UTC(2026, 2, 3, 10, 4),
    ...fields,
  }
}

describe('reply and forward subjects', () => {
  it('say Re: or Fwd: once, whatever markers the subject gathered', () => {
    expect(replySubject('Plan')).toBe('Re: Plan')
    expect(replySubject('Re: Plan')).toBe('Re: Plan')
    expect(replySubject('RE: Re:  AW: Plan')).toBe('Re: Plan')
    expect(replySubject('Re[2]: Plan')).toBe('Re: Plan')
    expect(replySubject('Fwd: Plan')).toBe('Re: Fwd: Plan')
    expect(forwardSubject('Plan')).toBe('Fwd: Plan')
    expect(forwardSubject('Fwd: FW: WG: Plan')).toBe('Fwd: Plan')
    expect(forwardSubject('Re: Plan')).toBe('Fwd: Re: Plan')
    // a subject that only looks like a marker is not one
    expect(replySubject('Review: the plan')).toBe('Re: Review: the plan')
  })
})

describe('who an answer goes to', () => {
  const own = ['alice@example.test']

  it('reply: Reply-To if set, else From', () => {
    expect(replyRecipients(original(), own, false)).toEqual({ to: [{ name: 'Zoë', email: 'zoe@example.org' }], cc: [] })
    expect(replyRecipients(original({ replyTo: [a('List', 'list@example.org')] }), own, false).to).toEqual([{ name: 'List', email: 'list@example.org' }])
  })

  it('reply all: everyone else once, never the user', () => {
    expect(replyRecipients(original(), own, true)).toEqual({
      to: [
        { name: 'Zoë', email: 'zoe@example.org' },
        { name: 'Bob', email: 'bob@example.test' },
      ],
      cc: [{ name: 'Carol', email: 'carol@example.test' }],
    })
  })

  it('answering one’s own sent message goes to its recipients', () => {
    const sent = original({ from: [a('Alice', 'alice@example.test')], to: [a('Bob', 'bob@example.test')], cc: [] })
    expect(replyRecipients(sent, own, false).to).toEqual([{ name: 'Bob', email: 'bob@example.test' }])
  })
})

describe('threading headers (RFC 5322 §3.6.4)', () => {
  it('In-Reply-To is the parent; References its References and the parent', () => {
    expect(threadingFields(original())).toEqual({ inReplyTo: '<m2@example.org>', references: ['<m1@example.org>', '<m2@example.org>'] })
  })

  it('keeps the first and the most recent of a very long chain', () => {
    const references = Array.from({ length: 40 }, (_, i) => `<r${i}@x.test>`)
    const fields = threadingFields({ messageId: '<last@x.test>', references })
    expect(fields.references).toHaveLength(20)
    expect(fields.references[0]).toBe('<r0@x.test>')
    expect(fields.references.at(-1)).toBe('<last@x.test>')
  })
})

describe('quoting', () => {
  it('quotes plain text per RFC 3676, deeper for what was quoted already', () => {
    expect(quotePlainText('Hello\n\n> earlier\nbye\n')).toBe('> Hello\n>\n>> earlier\n> bye')
  })

  it('attributes the quote and heads a forward', () => {
    expect(attribution(original(), 'en-GB')).toMatch(/^On 3 March 2026 at \d\d:\d\d, Zoë <zoe@example.org> wrote:$/)
    expect(forwardHeaderLines(original(), 'en-GB')).toEqual([
      '---------- Forwarded message ----------',
      'From: Zoë <zoe@example.org>',
      expect.stringMatching(/^Date: Tuesday,? 3 March 2026 at \d\d:\d\d$/),
      'Subject: Plan',
      'To: Alice <alice@example.test>, Bob <bob@example.test>',
      'Cc: Carol <carol@example.test>, ALICE@example.test',
    ])
  })
})

describe('the forgotten-attachment check', () => {
  it('notices an attachment mentioned in several languages', () => {
    for (const text of ['I have attached the plan', 'see the attachment', 'Anbei die Rechnung', 'ci-joint le devis', 'en el adjunto', '添付ファイルをご確認ください']) {
      expect(mentionsAttachment(text), text).toBe(true)
    }
  })

  it('does not see one in unrelated words', () => {
    for (const text of ['We are attacking the problem', 'the detached house', 'Lunch on Friday?']) expect(mentionsAttachment(text), text).toBe(false)
  })
})

describe('Message-IDs made with a draft', () => {
  it('are unique, in the sender’s domain, and valid msg-ids', () => {
    const id = newMessageId('Alice@Example.TEST')
    expect(id).toMatch(/^<[0-9a-f-]{36}@example\.test>$/)
    expect(newMessageId('alice@example.test')).not.toBe(id)
    expect(newMessageId('no-domain')).toMatch(/@quire\.invalid>$/)
  })
})

// @vitest-environment jsdom
import 'fake-indexeddb/auto'
import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageBody } from '../../src-main/common/domain/mail'
import { createDraft } from '../../src-renderer/compose/draft-factory'
import { editorHtml } from '../../src-renderer/compose/compose-sanitize'
import { documentText, plainTextOfHtml } from '../../src-renderer/compose/editor-text'
import type { Client } from '../../src-renderer/rpc/client'
import { messageRow } from '../../src-renderer/store/apply-delta'
import { ComposeDatabase } from '../../src-renderer/store/compose/compose-database'
import { QuireDatabase } from '../../src-renderer/store/database'
import type { Store } from '../../src-renderer/store/open-store'
import { account, header } from './store-fake-main'
import { PNG_BASE64 } from './compose-fixtures'

const accountId = 'account-one' as AccountId

/** The store with one account (alice) and one message from Zoë in INBOX, its body as main would give it. */
async function storeWith(body: Partial<MessageBody>) {
  const db = new QuireDatabase(`draft-${Math.random()}`)
  await db.open()
  await db.accounts.put({ ...account(accountId), displayName: 'Alice', email: 'alice@example.test' })
  const original = messageRow(
    accountId,
    'INBOX',
    header({
      uid: 7,
      subject: 'Re: Plan',
      from: [{ name: 'Zoë', address: 'zoe@example.org' }],
      to: [{ name: 'Alice', address: 'alice@example.test' }, { name: 'Bob', address: 'bob@example.test' }],
      messageId: '<m2@example.org>',
      references: ['<m1@example.org>'],
      date: Date.UTC(2026, 2, 3, 10, 4),
    }),
  )
  await db.messages.put({ ...original, threadId: 't1' })
  const calls: string[] = []
  const client = {
    async call(name: string) {
      calls.push(name)
      if (name === 'mail.body') return { uid: 7, html: null, text: null, attachments: [], inlineImages: [], ...body }
      if (name === 'mail.attachment') return { filename: 'plan.pdf', contentType: 'application/pdf', base64: 'JVBERg==' }
      if (name === 'compose.messageSource') return { filename: 'Re Plan.eml', base64: 'RnJvbTogem9l', size: 9 }
      throw new Error(`unexpected ${name}`)
    },
  } as unknown as Client
  const compose = new ComposeDatabase(`compose-${Math.random()}`)
  await compose.open()
  return { store: { db, client } as unknown as Store, compose, key: [accountId, 'INBOX', 7] as const, calls }
}

describe('a draft started from a message', () => {
  it('reply all quotes the original, safely, below an attribution, threaded and addressed', async () => {
    const { store, compose, key } = await storeWith({
      html: '<p>See <b>this</b> <img src="https://tracker.example/p.gif" alt="pixel"> <img src="cid:chart@x"><script>alert(1)</script><a href="javascript:alert(1)">x</a></p>',
      inlineImages: [{ contentId: 'chart@x', contentType: 'image/png', base64: PNG_BASE64 }],
    })
    const { draft } = await createDraft(store, compose, { mode: 'replyAll', message: [...key] })
    expect(draft).toMatchObject({
      accountId,
      from: { name: 'Alice', address: 'alice@example.test' },
      subject: 'Re: Plan',
      to: [
        { name: 'Zoë', email: 'zoe@example.org' },
        { name: 'Bob', email: 'bob@example.test' },
      ],
      cc: [],
      inReplyTo: '<m2@example.org>',
      references: ['<m1@example.org>', '<m2@example.org>'],
      origin: { kind: 'reply', accountId, path: 'INBOX', uid: 7, messageId: '<m2@example.org>' },
    })
    expect(draft.messageId).toMatch(/^<[^@]+@example\.test>$/)
    expect(draft.html).toMatch(/^<p><\/p><p><\/p><p>On .*, Zoë &lt;zoe@example\.org&gt; wrote:<\/p><blockquote><p>See <b>this<\/b> pixel <img src="data:image\/png;base64,/)
    expect(draft.html).not.toMatch(/tracker|script|javascript/)
  })

  it('forward inline brings the original’s attachments; forward as attachment brings the message itself', async () => {
    const { store, compose, key } = await storeWith({
      text: 'The plan is attached.',
      attachments: [{ partId: '2', filename: 'plan.pdf', contentType: 'application/pdf', size: 4, contentId: null, inline: false }],
    })
    const inline = await createDraft(store, compose, { mode: 'forward', message: [...key] })
    expect(inline.draft.subject).toBe('Fwd: Re: Plan')
    expect(inline.draft.to).toEqual([])
    expect(inline.draft.html).toContain('---------- Forwarded message ----------<br>From: Zoë &lt;zoe@example.org&gt;')
    expect(inline.draft.html).toContain('<p>The plan is attached.</p>')
    expect(inline.attachments).toEqual([{ messageId: inline.draft.messageId, filename: 'plan.pdf', contentType: 'application/pdf', size: 4, base64: 'JVBERg==' }])
    expect(inline.draft.origin?.kind).toBe('forward')

    const attached = await createDraft(store, compose, { mode: 'forwardAsAttachment', message: [...key] })
    expect(attached.attachments).toEqual([{ messageId: attached.draft.messageId, filename: 'Re Plan.eml', contentType: 'message/rfc822', size: 9, base64: 'RnJvbTogem9l' }])
    expect(attached.draft.inReplyTo).toBeNull()
  })

  it('a new message starts with the identity’s signature', async () => {
    const { store, compose } = await storeWith({})
    await compose.identities.add({ accountId, name: 'Alice A.', email: 'alice@example.test', replyTo: 'team@example.test', signature: '<p>Alice — Example Ltd</p>' })
    const { draft } = await createDraft(store, compose, { mode: 'new', to: [{ name: 'Bob', email: 'bob@example.test' }] })
    expect(draft).toMatchObject({ from: { name: 'Alice A.', address: 'alice@example.test' }, replyTo: [{ name: '', email: 'team@example.test' }], to: [{ name: 'Bob', email: 'bob@example.test' }], subject: '' })
    expect(draft.html).toBe('<p></p><p></p><p>Alice — Example Ltd</p>')
  })
})

describe('editor content', () => {
  it('keeps structure from pasted HTML and drops what could act or track', () => {
    expect(editorHtml('<div style="color:red" onclick="x()"><h1>Title</h1><ul><li>one</li></ul><img src="http://x.example/a.png" alt="logo"><a href="https://ok.example" target="_blank">ok</a><form><input></form></div>')).toBe(
      '<div><h1>Title</h1><ul><li>one</li></ul>logo<a href="https://ok.example">ok</a></div>',
    )
  })

  it('reads as plain text with quotes and lists, and without quotes for the attachment check', () => {
    const doc = {
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'See ' }, { type: 'text', text: 'this', marks: [{ type: 'link', attrs: { href: 'https://x.example' } }] }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] }] },
        { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'quoted' }, { type: 'hardBreak' }, { type: 'text', text: 'lines' }] }] },
      ],
    }
    expect(documentText(doc)).toBe('See this <https://x.example>\n\n- one\n\n> quoted\n> lines')
    expect(documentText(doc, { quotes: false })).toBe('See this <https://x.example>\n\n- one')
  })

  it('turns the editor’s HTML into the plain-text body when the user switches to plain text', () => {
    expect(plainTextOfHtml('<p>Yes.</p><p>On Monday, Zoë wrote:</p><blockquote><p>Lunch?</p><ol><li><p>ramen</p></li><li><p>tacos</p></li></ol></blockquote>')).toBe(
      'Yes.\n\nOn Monday, Zoë wrote:\n\n> Lunch?\n>\n> 1. ramen\n> 2. tacos',
    )
  })
})

import { simpleParser } from 'mailparser'
import { Draft } from '../../src-main/common/domain/compose'
import { buildMessage, envelopeRecipients, USER_AGENT } from '../../src-main/compose/mime-message'
import { plainTextOf } from '../../src-main/compose/plain-text-alternative'
import { toSubmissionError } from '../../src-main/compose/smtp-submission'
import { PDF, PNG_BASE64, richDraft } from './compose-fixtures'

const date = new Date('2026-11-20T09:30:00Z')

describe('the message built from a draft', () => {
  it('parses back (mailparser) to the same fields: headers, HTML, text, inline image, attachment', async () => {
    const draft = Draft.parse(richDraft({ bcc: [{ name: 'Dana', address: 'dana@example.test' }], replyTo: [{ name: 'Team', address: 'team@example.test' }] }))
    const { submission, copy, envelope } = await buildMessage(draft, { date })
    // keepCidLinks: mailparser would otherwise rewrite cid: references into data: URLs
    const parsed = await simpleParser(submission, { keepCidLinks: true })

    expect(parsed.subject).toBe(draft.subject)
    expect(parsed.messageId).toBe(draft.messageId)
    expect(parsed.date?.toISOString()).toBe(date.toISOString())
    expect(parsed.from?.value).toEqual([{ name: 'Alice Äpfelbaum', address: 'alice@example.test' }])
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : null).toEqual([{ name: 'Bob Øster', address: 'bob@example.test' }])
    expect(parsed.cc && !Array.isArray(parsed.cc) ? parsed.cc.value : null).toEqual([{ name: '', address: 'carol@example.test' }])
    expect(parsed.replyTo?.value).toEqual([{ name: 'Team', address: 'team@example.test' }])
    expect(parsed.headers.get('user-agent')).toBe(USER_AGENT)
    // RFC 5322 §3.6.3: Bcc recipients get the message, but the header would tell everyone
    expect(parsed.bcc).toBeUndefined()
    expect(envelope).toEqual({ from: 'alice@example.test', to: ['bob@example.test', 'carol@example.test', 'dana@example.test'] })

    const [image, pdf] = [parsed.attachments.find((a) => a.contentType === 'image/png'), parsed.attachments.find((a) => a.contentType === 'application/pdf')]
    expect(image?.content.toString('base64')).toBe(PNG_BASE64)
    expect(image?.related).toBe(true)
    expect(image?.contentDisposition).toBe('inline')
    expect(parsed.html).toContain(`src="cid:${image?.cid}"`)
    expect(parsed.html).not.toContain('data:')
    expect(pdf?.filename).toBe('Übersicht März €.pdf')
    expect(pdf?.contentDisposition).toBe('attachment')
    expect(pdf?.content.equals(PDF)).toBe(true)
    expect(parsed.text).toBe('Hello Bob, here is the plan:\n\n- first\n- second\n\nchart\n\nSee the plan <https://example.org/plan>.\n')

    // the Sent/Drafts copy keeps Bcc; otherwise it is the same message
    const kept = await simpleParser(copy)
    expect(kept.bcc && !Array.isArray(kept.bcc) ? kept.bcc.value : null).toEqual([{ name: 'Dana', address: 'dana@example.test' }])
    expect(kept.messageId).toBe(draft.messageId)
  })

  it('is MIME of the expected shape, with RFC 2047 headers and an RFC 2231 filename', async () => {
    const { submission } = await buildMessage(Draft.parse(richDraft()), { date })
    const raw = submission.toString('latin1')
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'))
    // 7-bit headers only: every non-ASCII word is an encoded-word
    expect(/[^\x20-\x7e\r\n\t]/.test(head)).toBe(false)
    expect(head).toMatch(/^Subject: =\?UTF-8\?[QB]\?/m)
    expect(head).toMatch(/^Content-Type: multipart\/mixed/m)
    expect(raw).toMatch(/Content-Type: multipart\/alternative/)
    expect(raw).toMatch(/Content-Type: multipart\/related; type="text\/html"/)
    expect(raw).toMatch(/filename\*0\*=utf-8''%C3%9Cbersicht%20M%C3%A4rz%20%E2%82%AC\.pdf/)
    expect(raw).toContain('\r\n')
    expect(raw.replace(/\r\n/g, '')).not.toContain('\n')
  })

  it('threads a reply: In-Reply-To and References as given, the same Message-ID every build', async () => {
    const draft = Draft.parse(
      richDraft({ subject: 'Re: Plan', html: null, text: 'Sounds good.\n\n> the plan', attachments: [], inReplyTo: '<b@example.test>', references: ['<a@example.test>', '<b@example.test>'] }),
    )
    const [first, second] = await Promise.all([buildMessage(draft, { date }), buildMessage(draft, { date })])
    const parsed = await simpleParser(first.submission)
    expect(parsed.inReplyTo).toBe('<b@example.test>')
    expect(parsed.references).toEqual(['<a@example.test>', '<b@example.test>'])
    expect(parsed.text?.trimEnd()).toBe('Sounds good.\n\n> the plan')
    expect(parsed.html).toBe(false)
    expect((await simpleParser(second.submission)).messageId).toBe(parsed.messageId)
  })

  it('forwards a message as a message/rfc822 attachment', async () => {
    const original = Buffer.from('From: zoe@example.test\r\nSubject: Original\r\nMessage-ID: <orig@example.test>\r\n\r\nThe original.\r\n')
    const draft = Draft.parse(richDraft({ html: '<p>FYI</p>', attachments: [{ filename: 'Original.eml', contentType: 'message/rfc822', base64: original.toString('base64') }] }))
    const parsed = await simpleParser((await buildMessage(draft, { date })).submission)
    const forwarded = parsed.attachments.find((a) => a.contentType === 'message/rfc822')
    expect(forwarded?.contentDisposition).toBe('attachment')
    expect((await simpleParser(forwarded?.content ?? Buffer.alloc(0))).subject).toBe('Original')
  })

  it('lists each envelope recipient once, whatever the case', () => {
    const mailbox = (address: string) => ({ name: '', address })
    expect(envelopeRecipients({ to: [mailbox('Bob@example.test')], cc: [mailbox('bob@EXAMPLE.test'), mailbox('carol@example.test')], bcc: [mailbox('carol@example.test')] })).toEqual([
      'Bob@example.test',
      'carol@example.test',
    ])
  })
})

describe('the plain-text alternative', () => {
  it('quotes, lists, links and breaks lines the way mail clients do', () => {
    const html =
      '<p>Hi &amp; welcome,<br>line two</p>' +
      '<ol><li><p>one</p></li><li><p>two<br>more</p></li></ol>' +
      '<blockquote><p>On Monday, Zoë wrote:</p><blockquote><p>deep</p></blockquote><p>back</p></blockquote>' +
      '<p><a href="mailto:ada@example.org">ada@example.org</a> <a href="https://x.example">site</a></p>' +
      '<pre><code>  keep  spacing\nhere</code></pre><hr><p>end</p><style>p{}</style><!-- hidden -->'
    expect(plainTextOf(html)).toBe(
      'Hi & welcome,\nline two\n\n1. one\n2. two\n   more\n\n> On Monday, Zoë wrote:\n>\n>> deep\n>\n> back\n\nada@example.org site <https://x.example>\n\n  keep  spacing\nhere\n\n———\n\nend\n',
    )
  })

  it('survives markup that is not well formed', () => {
    expect(plainTextOf('<p>open <b>bold <i>both</p><div>next</div>')).toBe('open bold both\n\nnext\n')
    expect(plainTextOf('a < b and <unknown attr=x>c</unknown>')).toBe('a < b and c\n')
  })
})

describe('SMTP failures as typed errors', () => {
  const server = { host: 'smtp.example.test', port: 587, protocol: 'SMTP' as const }

  it('names each refused recipient with the server’s words (5xx: permanent)', () => {
    const error = toSubmissionError(
      {
        code: 'EENVELOPE',
        command: 'RCPT TO',
        rejectedErrors: [{ recipient: 'nobody@example.test', responseCode: 550, response: '550 5.1.1 <nobody@example.test>: Recipient address rejected' }],
      },
      server,
      'alice@example.test',
    )
    expect(error.code).toBe('RECIPIENT_REJECTED')
    expect(error.retryable).toBe(false)
    expect(error.message).toContain('nobody@example.test')
    expect(error.message).toContain('550 5.1.1 <nobody@example.test>: Recipient address rejected')
    expect(error.details?.refused).toEqual([{ address: 'nobody@example.test', code: 550, response: '550 5.1.1 <nobody@example.test>: Recipient address rejected' }])
  })

  it('retries a 4xx and refuses a 5xx to the message; a 535 is a wrong password', () => {
    expect(toSubmissionError({ code: 'EENVELOPE', command: 'RCPT TO', rejectedErrors: [{ recipient: 'b@x.test', responseCode: 450, response: '450 4.2.0 greylisted' }] }, server, 'a@x.test')).toMatchObject({
      code: 'SEND_DEFERRED',
      retryable: true,
    })
    expect(toSubmissionError({ code: 'EMESSAGE', command: 'DATA', responseCode: 421, response: '421 4.3.2 shutting down' }, server, 'a@x.test').code).toBe('SEND_DEFERRED')
    expect(toSubmissionError({ code: 'EMESSAGE', command: 'DATA', responseCode: 554, response: '554 5.7.1 spam' }, server, 'a@x.test')).toMatchObject({ code: 'MESSAGE_REJECTED', retryable: false })
    const sender = toSubmissionError({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553, response: '553 5.7.1 not yours' }, server, 'a@x.test')
    expect(sender.message).toContain('the sender address a@x.test')
    expect(toSubmissionError({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 auth failed' }, server, 'a@x.test').code).toBe('AUTH_FAILED')
    expect(toSubmissionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }), server, 'a@x.test').code).toBe('CONNECTION_REFUSED')
  })
})

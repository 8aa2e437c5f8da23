import { simpleParser } from 'mailparser'
import { createTransport } from 'nodemailer'
import { PDF, PNG_BASE64 } from '../unit/compose-fixtures'
import { SwitchableRelay } from '../integration/support/switchable-relay'
import { arrives, composerOf, expect, seriousViolations, source, submitMarker, test, withSubject } from './support/compose-fixtures'
import { row } from './support/mail-fixtures'

const unique = () => Math.random().toString(36).slice(2, 8)

test('alice writes to bob and carol with a non-ASCII subject, HTML, an inline image and a PDF; both receive it as written, Sent has one copy', async ({ quire, page }, testInfo) => {
  const { alice, bob, carol } = quire.servers.users
  await quire.addAccount(alice, 'Alice Example')
  await page.getByRole('button', { name: 'New message' }).click()
  const composer = composerOf(page)
  await composer.addRecipient('To', bob.email)
  await composer.addRecipient('Cc', carol.email)
  const subject = `Grüße aus Köln — 会議の議事録 ${unique()}`
  await composer.subject.fill(subject)
  await composer.body.click()
  await page.keyboard.type('Hello Bob, here is ')
  await composer.dialog.getByRole('button', { name: 'Bold' }).click()
  await page.keyboard.type('the plan')
  await composer.dialog.getByRole('button', { name: 'Bold' }).click()
  await page.keyboard.type(':')
  await page.keyboard.press('Enter')

  let chooser = page.waitForEvent('filechooser')
  await composer.dialog.getByRole('button', { name: 'Insert image' }).click()
  await (await chooser).setFiles({ name: 'chart.png', mimeType: 'image/png', buffer: Buffer.from(PNG_BASE64, 'base64') })
  await expect(composer.body.locator('img[src^="data:image/png"]')).toHaveCount(1)

  chooser = page.waitForEvent('filechooser')
  await composer.dialog.getByRole('button', { name: 'Attach files' }).click()
  await (await chooser).setFiles({ name: 'Übersicht März.pdf', mimeType: 'application/pdf', buffer: PDF })
  const attachments = composer.dialog.getByRole('list', { name: /^Attachments/ })
  await expect(attachments.getByRole('listitem')).toHaveText(new RegExp(`Übersicht März\\.pdf\\s*${PDF.length} B`))
  await page.screenshot({ path: testInfo.outputPath('composer-new.png') })
  expect(await seriousViolations(page, '[role="dialog"]'), 'the composer').toEqual([])

  await composer.send.click()
  await expect(page.getByRole('status').filter({ hasText: 'Sent to 2 recipients.' })).toBeVisible({ timeout: 30_000 })

  const bobPeer = await quire.peer(bob)
  const [uid] = await arrives(bobPeer, 'INBOX', subject)
  await arrives(await quire.peer(carol), 'INBOX', subject)
  const received = await simpleParser(await source(bobPeer, 'INBOX', uid!), { keepCidLinks: true })
  expect(received.subject).toBe(subject)
  expect(received.from?.value).toEqual([{ name: 'Alice Example', address: alice.email }])
  expect(received.html).toContain('Hello Bob, here is <strong>the plan</strong>:')
  const image = received.attachments.find((a) => a.contentType === 'image/png')
  expect(image?.content.toString('base64')).toBe(PNG_BASE64)
  expect(received.html).toContain(`src="cid:${image?.cid}"`)
  const pdf = received.attachments.find((a) => a.contentType === 'application/pdf')
  expect(pdf?.filename).toBe('Übersicht März.pdf')
  expect(pdf?.content.equals(PDF)).toBe(true)
  expect(received.text).toContain('Hello Bob, here is the plan:')

  const alicePeer = await quire.peer(alice)
  expect(await withSubject(alicePeer, 'Sent', subject)).toHaveLength(1)
})

test('a draft is filed in Drafts, replaced on every save, and removed when it is sent', async ({ quire, page }) => {
  const { alice, bob } = quire.servers.users
  await quire.addAccount(alice, 'Alice Example')
  const alicePeer = await quire.peer(alice)
  await page.getByRole('button', { name: 'New message' }).click()
  const composer = composerOf(page)
  await composer.addRecipient('To', bob.email)
  const subject = `Draft ${unique()}`
  await composer.subject.fill(subject)
  await composer.body.click()
  await page.keyboard.type('first version')
  const status = composer.dialog.getByRole('status').last()
  await expect(status).toHaveText('Saved to Drafts', { timeout: 20_000 })
  const [first] = await arrives(alicePeer, 'Drafts', subject)
  expect((await simpleParser(await source(alicePeer, 'Drafts', first!))).text).toContain('first version')

  await page.keyboard.type(', then a second')
  await expect(status).not.toHaveText('Saved to Drafts')
  await expect(status).toHaveText('Saved to Drafts', { timeout: 20_000 })
  await expect.poll(async () => withSubject(alicePeer, 'Drafts', subject)).not.toEqual([first])
  const copies = await withSubject(alicePeer, 'Drafts', subject)
  expect(copies).toHaveLength(1)
  expect((await simpleParser(await source(alicePeer, 'Drafts', copies[0]!))).text).toContain('first version, then a second')

  await composer.send.click()
  await expect(page.getByRole('status').filter({ hasText: `Sent to ${bob.email}.` })).toBeVisible({ timeout: 30_000 })
  await expect.poll(() => withSubject(alicePeer, 'Drafts', subject)).toEqual([])
  expect(await withSubject(alicePeer, 'Sent', subject)).toHaveLength(1)
})

test('undo within the delay sends nothing and brings the message back', async ({ quire, page }) => {
  const { alice, bob } = quire.servers.users
  await quire.addAccount(alice, 'Alice Example')
  await page.getByRole('button', { name: 'New message' }).click()
  const composer = composerOf(page)
  await composer.addRecipient('To', bob.email)
  const subject = `Second thoughts ${unique()}`
  await composer.subject.fill(subject)
  await composer.body.click()
  await page.keyboard.type('On reflection, no.')
  await composer.send.click()
  await expect(composer.dialog).toBeHidden()
  await page.getByRole('status').filter({ hasText: 'Sending…' }).getByRole('button', { name: 'Undo' }).click()

  await expect(composer.subject).toHaveValue(subject)
  await expect(composer.body).toContainText('On reflection, no.')
  // Escape closes the composer, from the editor too; the draft stays
  await composer.body.click()
  await page.keyboard.press('Escape')
  await expect(composer.dialog).toBeHidden()
  await expect(page.getByRole('button', { name: /^Outbox/ })).toHaveCount(0)
  await submitMarker(quire)
  expect(await withSubject(await quire.peer(bob), 'INBOX', subject)).toEqual([])
})

test('a recipient the server refuses is named with the server’s words, nothing is sent, and the draft is kept to fix', async ({ quire, page }, testInfo) => {
  const { alice, bob } = quire.servers.users
  await quire.addAccount(alice, 'Alice Example')
  await page.getByRole('button', { name: 'New message' }).click()
  const composer = composerOf(page)
  await composer.addRecipient('To', bob.email)
  await composer.addRecipient('To', 'nobody@example.test')
  const subject = `Partly wrong ${unique()}`
  await composer.subject.fill(subject)
  await composer.body.click()
  await page.keyboard.type('Hello both.')
  await composer.send.click()

  const alert = page.getByRole('alert').filter({ hasText: 'nobody@example.test' })
  await expect(alert).toContainText('Not sent: the server refused nobody@example.test.', { timeout: 30_000 })
  await expect(page.getByRole('button', { name: /^Outbox 1 waiting, 1 not sent/ })).toBeVisible()
  await alert.getByRole('button', { name: 'Edit' }).click()
  const problem = composer.dialog.getByRole('alert')
  await expect(problem).toContainText('The server refused nobody@example.test.')
  await expect(problem).toContainText(/nobody@example\.test: “5\d\d /)
  await expect(composer.subject).toHaveValue(subject)
  await page.screenshot({ path: testInfo.outputPath('composer-refused.png') })
  await submitMarker(quire)
  expect(await withSubject(await quire.peer(bob), 'INBOX', subject)).toEqual([])

  // fixed, the same message goes out once
  await composer.dialog.getByRole('button', { name: 'Remove nobody@example.test' }).click()
  await composer.send.click()
  await expect(page.getByRole('status').filter({ hasText: `Sent to ${bob.email}.` })).toBeVisible({ timeout: 30_000 })
  expect(await arrives(await quire.peer(bob), 'INBOX', subject)).toHaveLength(1)
})

test('a message sent while the mail server is unreachable waits in the Outbox and goes when it is back', async ({ quire, page }) => {
  const { alice, bob } = quire.servers.users
  const relay = new SwitchableRelay({ host: quire.servers.submission.host, port: quire.servers.submission.tlsPort })
  await relay.up()
  await relay.down()
  try {
    await quire.addAccount(alice, 'Alice Offline', relay.port)
    await page.getByRole('button', { name: 'New message' }).click()
    const composer = composerOf(page)
    await composer.addRecipient('To', bob.email)
    const subject = `Written offline ${unique()}`
    await composer.subject.fill(subject)
    await composer.body.click()
    await page.keyboard.type('Sent from a train.')
    await composer.send.click()

    await page.getByRole('button', { name: /^Outbox/ }).click({ timeout: 20_000 })
    const item = page.getByRole('listitem', { name: subject })
    await expect(item.getByRole('status')).toContainText('Waiting to retry', { timeout: 30_000 })
    await relay.up()
    await expect(item).toBeHidden({ timeout: 60_000 })
    expect(await arrives(await quire.peer(bob), 'INBOX', subject)).toHaveLength(1)
  } finally {
    await relay.down()
  }
})

test('send later survives a restart and sends at the chosen time', async ({ quire, page }) => {
  const { alice, bob } = quire.servers.users
  await quire.addAccount(alice, 'Alice Example')
  await page.getByRole('button', { name: 'New message' }).click()
  const composer = composerOf(page)
  await composer.addRecipient('To', bob.email)
  const subject = `Tomorrow ${unique()}`
  await composer.subject.fill(subject)
  await composer.body.click()
  await page.keyboard.type('Good morning!')
  await composer.dialog.getByRole('button', { name: 'More sending options' }).click()
  await page.getByRole('menuitem', { name: 'Send later…' }).click()
  await page.getByRole('dialog', { name: 'Send later' }).getByRole('button', { name: /^Tomorrow morning/ }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Scheduled for' })).toBeVisible()
  await page.getByRole('button', { name: /^Outbox 1 waiting/ }).click()
  await expect(page.getByRole('listitem', { name: subject }).getByRole('status')).toContainText('Scheduled for')
  expect(await seriousViolations(page, '[aria-labelledby="outbox-title"]'), 'the Outbox').toEqual([])

  // main goes down and comes back; the page opens again the next morning
  const morning = new Date()
  morning.setDate(morning.getDate() + 1)
  morning.setHours(8, 1, 0, 0)
  await quire.kill()
  expect(await withSubject(await quire.peer(bob), 'INBOX', subject)).toEqual([])
  await page.clock.install({ time: morning })
  await quire.start()
  expect(await arrives(await quire.peer(bob), 'INBOX', subject)).toHaveLength(1)
  await expect(page.getByRole('button', { name: /^Outbox/ })).toHaveCount(0)
})

test('bob answers alice from the reader: quoted, Re: once, threaded on both sides, the original marked answered', async ({ quire, page }, testInfo) => {
  const { alice, bob } = quire.servers.users
  const topic = `Lunch ${unique()}`
  const earlier = `<earlier-${unique()}@example.test>`
  const original = `<lunch-${unique()}@example.test>`
  const transport = createTransport({ host: quire.servers.submission.host, port: quire.servers.submission.tlsPort, secure: true, tls: { ca: quire.servers.caCert }, auth: { user: alice.email, pass: alice.password } })
  await transport.sendMail({ from: `Alice <${alice.email}>`, to: `Bob <${bob.email}>`, subject: `Re: ${topic}`, messageId: original, inReplyTo: earlier, references: [earlier], text: 'Ramen at 12:30?\n\nAlice' })
  transport.close()
  const bobPeer = await quire.peer(bob)
  const [originalUid] = await arrives(bobPeer, 'INBOX', topic)

  await quire.addAccount(bob, 'Bob Example')
  await row(page, new RegExp(topic)).click()
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Reply', exact: true }).click()
  const composer = composerOf(page)
  await expect(composer.subject).toHaveValue(`Re: ${topic}`)
  await expect(composer.dialog.getByRole('list', { name: 'To: chosen' })).toContainText(alice.email)
  await expect(composer.body.locator('blockquote')).toContainText('Ramen at 12:30?')
  await expect(composer.body).toContainText(`Alice <${alice.email}> wrote:`)
  await composer.body.click({ position: { x: 8, y: 8 } })
  await page.keyboard.type('Yes, see you there.')
  await page.screenshot({ path: testInfo.outputPath('composer-reply.png') })
  await composer.send.click()
  await expect(page.getByRole('status').filter({ hasText: `Sent to ${alice.email}.` })).toBeVisible({ timeout: 30_000 })

  // alice's side: the answer names what it answers
  const alicePeer = await quire.peer(alice)
  const [answerUid] = await arrives(alicePeer, 'INBOX', topic)
  const answer = await simpleParser(await source(alicePeer, 'INBOX', answerUid!))
  expect(answer.subject).toBe(`Re: ${topic}`)
  expect(answer.inReplyTo).toBe(original)
  expect(answer.references).toEqual([earlier, original])
  expect(answer.text).toContain('Yes, see you there.')
  expect(answer.text).toContain('> Ramen at 12:30?')

  // bob's side: his copy in Sent joins the conversation, and the original is answered on the server
  await arrives(bobPeer, 'Sent', `Re: ${topic}`)
  await expect
    .poll(async () => {
      const lock = await bobPeer.getMailboxLock('INBOX')
      try {
        await bobPeer.noop()
        return [...((await bobPeer.fetchOne(String(originalUid), { flags: true }, { uid: true })) || { flags: new Set<string>() }).flags ?? []]
      } finally {
        lock.release()
      }
    })
    .toContain('\\Answered')
  await row(page, new RegExp(topic)).click()
  await expect(page.getByRole('region', { name: 'Reader' }).getByText('2 messages')).toBeVisible({ timeout: 30_000 })
})

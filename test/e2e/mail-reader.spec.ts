import { readFile } from 'node:fs/promises'
import { addAccount, appendTo, compose, emptyMailbox, expect, row, serverFolder, test } from './support/mail-fixtures'

// see mail-hostile.spec.ts: traces run script in the sandboxed message frame
test.use({ trace: 'off' })
test.describe.configure({ timeout: 120_000 })

// a 2×2 red PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64')

test.beforeEach(async ({ stack }) => {
  await emptyMailbox(stack, stack.users.alice)
})

test('the reader shows inline cid: images, lists and saves attachments, and links plain text', async ({ app, stack, webMode }) => {
  const { alice } = stack.users
  await appendTo(stack, alice, 'INBOX', [
    await compose({
      from: 'Photographer <photo@example.test>',
      to: alice.email,
      subject: 'Photo inline',
      html: '<p>Look at this:</p><img id="inline" src="cid:photo-1@example.test" alt="inline photo">',
      attachments: [
        { filename: 'photo.png', content: PNG, cid: 'photo-1@example.test' },
        { filename: 'report.csv', content: 'a,b\n1,2\n', contentType: 'text/csv' },
      ],
    }),
    await compose({ from: 'Plain <plain@example.test>', to: alice.email, subject: 'Plain text', text: 'Details at https://example.org/plan.\n\n> quoted line\nWrite to plan@example.org' }),
  ])
  await addAccount(webMode, stack, 'alice')

  await row(app, /Photo inline/).click()
  const frame = app.locator('iframe[title="Message: Photo inline"]')
  await expect(frame).toBeVisible()
  await expect.poll(() => app.evaluate(() => document.querySelector<HTMLIFrameElement>('iframe[title="Message: Photo inline"]')?.contentDocument?.querySelector<HTMLImageElement>('img')?.naturalWidth)).toBe(2)
  // an inline image is not listed again as an attachment; the report is
  const attachments = app.getByRole('region', { name: 'Attachments' })
  await expect(attachments.getByRole('listitem')).toHaveCount(1)
  await expect(attachments).toContainText('report.csv')
  const download = app.waitForEvent('download')
  await attachments.getByRole('button', { name: 'Save report.csv' }).click()
  const saved = await download
  expect(saved.suggestedFilename()).toBe('report.csv')
  expect(await readFile(await saved.path(), 'utf8')).toBe('a,b\n1,2\n')
  await expect(app.getByRole('region', { name: 'Remote content' })).toBeHidden()

  await row(app, /Plain text/).click()
  const reader = app.getByRole('region', { name: 'Reader' })
  await expect(reader.getByRole('link', { name: 'https://example.org/plan' })).toHaveAttribute('href', 'https://example.org/plan')
  await expect(reader.getByRole('link', { name: 'plan@example.org' })).toHaveAttribute('href', 'mailto:plan@example.org')
})

test('junk is flagged with a banner, and “Not junk” moves it back to the inbox on the server', async ({ app, stack, webMode }) => {
  const { alice } = stack.users
  await appendTo(stack, alice, 'Junk', [
    await compose({
      from: 'Prize <winner@lottery.invalid>',
      to: alice.email,
      subject: 'You won',
      text: 'Claim now.',
      headers: { 'X-Spam-Flag': 'YES', 'List-Unsubscribe': '<https://lottery.invalid/unsubscribe>' },
    }),
  ])
  await addAccount(webMode, stack, 'alice')
  await app.getByRole('region', { name: 'Alice' }).getByRole('button', { name: /^Junk/ }).click()
  await row(app, /You won/).click()
  const banner = app.getByRole('region', { name: 'Junk warning' })
  await expect(banner).toContainText('marked this message as junk')
  await expect(app.getByRole('region', { name: 'Reader' }).getByRole('button', { name: 'Unsubscribe' })).toBeVisible()
  await banner.getByRole('button', { name: 'Not junk' }).click()
  await expect(row(app, /You won/)).toBeHidden()
  await expect.poll(async () => (await serverFolder(stack, alice, 'INBOX')).map((m) => m.subject), { timeout: 20_000 }).toEqual(['You won'])
  expect((await serverFolder(stack, alice, 'INBOX'))[0]?.flags).toContain('$NotJunk')
})

test('a conversation opens as one thread; screenshots of the inbox, a conversation and the reader, light and dark', async ({ app, stack, webMode }, testInfo) => {
  const { alice } = stack.users
  const day = 86_400_000
  const base = Date.now() - 3 * day
  const first = '<plan-1@example.test>'
  await appendTo(stack, alice, 'INBOX', [
    await compose({ from: 'Zoë Müller <zoe@example.test>', to: alice.email, subject: 'Quarterly planning', messageId: first, date: new Date(base), text: 'Hi Alice,\n\nI put together a first draft of the plan. Could you look at the staffing section before Thursday?\n\nZoë' }),
    await compose({ from: 'José García <jose@example.test>', to: alice.email, cc: 'zoe@example.test', subject: 'Re: Quarterly planning', inReplyTo: first, references: [first], date: new Date(base + day), text: 'Looks good to me. One comment on hiring: let us keep two roles open.\n\n> I put together a first draft of the plan.' }),
    await compose({ from: 'The Weekly Digest <digest@news.example>', to: alice.email, subject: 'The Weekly Digest #12', date: new Date(base + 2 * day), html: '<div style="font-family:Georgia,serif;max-width:560px"><h1 style="color:#1d3b8b">The Weekly Digest</h1><p style="font-size:16px">What we shipped, what we learned, what is next.</p><img src="https://news.example/banner.png" width="560" height="120" alt="banner"><p><a href="https://news.example/read">Read more</a></p></div>', headers: { 'List-Unsubscribe': '<https://news.example/unsubscribe>' } }),
    await compose({ from: 'Ольга Смирнова <olga@example.test>', to: alice.email, subject: 'Отчёт за неделю', date: new Date(base + 2.5 * day), text: 'Коллеги, отправляю краткий отчёт за неделю.', attachments: [{ filename: 'report.csv', content: 'a,b\n' }] }),
  ])
  await appendTo(stack, alice, 'Sent', [
    await compose({ from: `Alice <${alice.email}>`, to: 'zoe@example.test', subject: 'Re: Quarterly planning', inReplyTo: first, references: [first], date: new Date(base + 1.5 * day), text: 'Thanks Zoë, I will read it tonight.\n\n> Could you look at the staffing section before Thursday?' }),
  ], ['\\Seen'])
  await addAccount(webMode, stack, 'alice')
  await addAccount(webMode, stack, 'bob')

  await expect(row(app, /Отчёт за неделю/)).toBeVisible({ timeout: 30_000 })
  await app.screenshot({ path: testInfo.outputPath('unified-inbox-light.png') })

  await row(app, /José García.*Re: Quarterly planning/).click()
  const reader = app.getByRole('region', { name: 'Reader' })
  await expect(reader.getByRole('heading', { name: 'Re: Quarterly planning' })).toBeVisible()
  await expect(reader.getByText('3 messages')).toBeVisible()
  await expect(reader.getByRole('article')).toHaveCount(3)
  await expect(reader).toContainText('One comment on hiring')
  await expect(reader).toContainText('staffing section')
  await app.screenshot({ path: testInfo.outputPath('conversation-light.png') })

  await row(app, /The Weekly Digest #12/).click()
  await expect(app.locator('iframe[title="Message: The Weekly Digest #12"]')).toBeVisible()
  await app.screenshot({ path: testInfo.outputPath('reader-light.png') })

  await app.emulateMedia({ colorScheme: 'dark' })
  await app.screenshot({ path: testInfo.outputPath('reader-dark.png') })
  await row(app, /José García.*Re: Quarterly planning/).click()
  await expect(reader.getByRole('article')).toHaveCount(3)
  await expect(reader).toContainText('One comment on hiring')
  await app.screenshot({ path: testInfo.outputPath('conversation-dark.png') })
  await app.getByRole('region', { name: 'Reader' }).focus()
  await app.keyboard.press('u')
  await app.screenshot({ path: testInfo.outputPath('unified-inbox-dark.png') })
})

import { addAccount, appendTo, compose, emptyMailbox, expect, messageList, row, test } from './support/mail-fixtures'

test.use({ trace: 'off' })
test.describe.configure({ timeout: 120_000 })

test.beforeEach(async ({ stack }) => {
  const { alice } = stack.users
  await emptyMailbox(stack, alice)
  await appendTo(stack, alice, 'INBOX', [
    await compose({ from: 'Ada Lovelace <ada@example.test>', to: alice.email, subject: 'Invoice for March', text: 'Please pay by Friday.', attachments: [{ filename: 'invoice.pdf', content: 'pdf' }] }),
    await compose({ from: 'Bob <bob@example.test>', to: alice.email, subject: 'Lunch on Friday?', text: `Tonkotsu or miso? ${'There is a new place near the station with long queues at noon. '.repeat(5)}\nThey also have shoyu ramen.` }),
    await compose({ from: 'Zoë Müller <zoe@example.test>', to: alice.email, subject: 'Grüße aus Köln', text: 'Bis bald!' }),
  ])
  await appendTo(stack, alice, 'Archive', [await compose({ from: 'Ada Lovelace <ada@example.test>', to: alice.email, subject: 'Old invoice', text: 'Paid, thanks.' })], ['\\Seen'])
})

test('search finds cached mail as you type, with operators, and clears back to the mailbox', async ({ app, stack, webMode }) => {
  // no bodies fetched ahead of reading, so a body's words are searchable only once it is opened
  await addAccount(webMode, stack, 'alice', { prefetchDays: 0 })
  await expect(row(app, /Grüße aus Köln/)).toBeVisible({ timeout: 30_000 })

  await app.keyboard.press('/')
  const field = app.getByRole('searchbox', { name: 'Search mail' })
  await expect(field).toBeFocused()
  await field.pressSequentially('from:ada inv')
  await expect(app.getByRole('heading', { level: 1 })).toHaveText('Results for “from:ada inv”')
  await expect(messageList(app).getByRole('option')).toHaveCount(2, { timeout: 20_000 })
  await field.pressSequentially(' has:attachment')
  await expect(messageList(app).getByRole('option')).toHaveCount(1)
  await expect(row(app, /Invoice for March/)).toBeVisible()

  // words of a body become searchable once it is cached (opened here)
  await field.fill('koln')
  await expect(row(app, /Grüße aus Köln/)).toBeVisible()
  await field.fill('shoyu')
  await expect(app.getByRole('region', { name: 'No messages found' })).toBeVisible()
  await field.fill('')
  await field.press('Escape')
  await row(app, /Lunch on Friday/).click()
  await expect(app.getByRole('region', { name: 'Reader' })).toContainText('Tonkotsu')
  await app.keyboard.press('/')
  await field.fill('shoyu')
  await expect(row(app, /Lunch on Friday/)).toBeVisible({ timeout: 20_000 })

  await field.press('Escape')
  await expect(app.getByRole('heading', { level: 1 })).toHaveText('All Inboxes')
  await expect(messageList(app).getByRole('option')).toHaveCount(3)
})

test('bodies of recent mail are fetched ahead of reading, so their words are found before they are opened', async ({ app, stack, webMode }) => {
  await addAccount(webMode, stack, 'alice')
  await expect(row(app, /Lunch on Friday/)).toBeVisible({ timeout: 30_000 })
  await app.keyboard.press('/')
  await app.getByRole('searchbox', { name: 'Search mail' }).fill('shoyu')
  await expect(row(app, /Lunch on Friday/)).toBeVisible({ timeout: 20_000 })
  await expect(messageList(app).getByRole('option')).toHaveCount(1)
})

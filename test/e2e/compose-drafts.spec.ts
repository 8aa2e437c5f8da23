import MailComposer from 'nodemailer/lib/mail-composer'
import { arrives, composerOf, expect, test, withSubject } from './support/compose-fixtures'
import { mailboxes, row } from './support/mail-fixtures'

// Playwright's trace snapshots try to run script inside the sandboxed message frame, which logs errors
test.use({ trace: 'off' })

test('a draft started on another device is finished here: opened from Drafts, edited and sent', async ({ quire, page }) => {
  const { alice, bob } = quire.servers.users
  await quire.addAccount(alice, 'Alice Example')
  const subject = `Started elsewhere ${Math.random().toString(36).slice(2, 8)}`
  const alicePeer = await quire.peer(alice)
  const bobPeer = await quire.peer(bob)
  const draft = await new MailComposer({ from: alice.email, to: bob.email, subject, text: 'Begun on my phone.', html: '<p>Begun on my phone.</p>', messageId: `<${Date.now()}.elsewhere@example.test>` }).compile().build()
  await alicePeer.append('Drafts', draft, ['\\Draft', '\\Seen'])

  await mailboxes(page).getByRole('region', { name: 'Alice Example' }).getByRole('button', { name: /^Drafts/ }).click()
  await row(page, new RegExp(subject)).click()
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Continue editing' }).click()

  const composer = composerOf(page)
  await expect(composer.subject).toHaveValue(subject)
  await expect(composer.dialog.getByRole('list', { name: 'To: chosen' })).toContainText(bob.email)
  await expect(composer.body).toContainText('Begun on my phone.')
  await composer.body.click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(' Finished on my desk.')
  await composer.send.click()

  const [uid] = await arrives(bobPeer, 'INBOX', subject)
  expect(uid).toBeDefined()
  await expect.poll(() => withSubject(alicePeer, 'Drafts', subject), { timeout: 30_000 }).toEqual([])
  expect(await withSubject(alicePeer, 'Sent', subject)).toHaveLength(1)
})

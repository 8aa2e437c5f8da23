import type { Page } from '@playwright/test'
import MailComposer from 'nodemailer/lib/mail-composer'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { splitMessage } from '../../src-main/smime/mime-entity'
import { makeSmimeFixtures, type Person, type SmimeFixtures } from '../fixtures/smime/make-fixtures'
import { callMain } from './support/main-rpc.mjs'
import { arrives, composerOf, expect, Quire, seriousViolations, source, test } from './support/compose-fixtures'
import { emptyMailbox, mailboxes, row } from './support/mail-fixtures'
import { screenshotBothThemes } from './support/screenshots'

// see mail-hostile.spec.ts: traces run script in the sandboxed message frame
test.use({ trace: 'off' })
test.describe.configure({ timeout: 180_000 })

let fx: SmimeFixtures
test.beforeAll(() => {
  fx = makeSmimeFixtures()
})
test.afterAll(() => fx?.cleanup())

const unique = () => Math.random().toString(36).slice(2, 8)
const base64 = (file: string) => readFileSync(file).toString('base64')

/** The test CA is trusted in this profile (the user's own trust list), as a real user would set it up once. */
async function trustTestRoot(quire: Quire): Promise<void> {
  await callMain(quire.url, 'smime.trust', { data: base64(fx.root) })
}

/** Settings → Security → Import certificate: the person's .p12 with its password. */
async function importP12(page: Page, person: Person): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click()
  const security = page.getByRole('region', { name: 'Security · S/MIME' })
  await security.getByRole('button', { name: 'Import certificate' }).first().click()
  const dialog = page.getByRole('dialog', { name: 'Import your certificate' })
  const chooser = page.waitForEvent('filechooser')
  await dialog.getByRole('button', { name: 'Choose file…' }).click()
  await (await chooser).setFiles(person.p12)
  await dialog.getByLabel('Password').fill(person.p12Password)
  await dialog.getByRole('button', { name: 'Import', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(security.getByRole('region', { name: 'Your certificates' })).toContainText(person.email)
  await page.getByRole('link', { name: 'Mail' }).click()
}

test('alice signs and encrypts to bob through the real server; bob reads it with a valid signature; alice’s Sent copy opens for her', async ({ quire, page, context }) => {
  const { alice, bob } = quire.servers.users
  await quire.addAccount(alice, 'Alice Example')
  await trustTestRoot(quire)
  await callMain(quire.url, 'smime.importPeers', { data: base64(fx.bob.cert) })
  await importP12(page, fx.alice)

  await page.getByRole('button', { name: 'New message' }).click()
  const composer = composerOf(page)
  await composer.addRecipient('To', bob.email)
  const subject = `Sealed ${unique()}`
  await composer.subject.fill(subject)
  await composer.body.click()
  await page.keyboard.type('The vault code is 4711.')
  const sign = composer.dialog.getByRole('checkbox', { name: 'Sign' })
  const encrypt = composer.dialog.getByRole('checkbox', { name: 'Encrypt' })
  await expect(sign).not.toBeChecked()
  await sign.check()
  await encrypt.check()
  expect(await seriousViolations(page, '[role="dialog"]'), 'the composer with its S/MIME toggles').toEqual([])
  await composer.send.click()
  await expect(page.getByRole('status').filter({ hasText: `Sent to ${bob.email}.` })).toBeVisible({ timeout: 30_000 })

  // what the server holds is ciphertext
  const bobPeer = await quire.peer(bob)
  const [uid] = await arrives(bobPeer, 'INBOX', subject)
  const raw = (await source(bobPeer, 'INBOX', uid!)).toString()
  expect(raw).toMatch(/application\/pkcs7-mime; smime-type=(auth)?enveloped-data/i)
  expect(raw).not.toContain('vault code')

  // bob, in his own profile (another web mode, another origin: his own IndexedDB), with his own .p12
  const bobQuire = new Quire(await context.newPage(), quire.servers, mkdtempSync(join(tmpdir(), 'quire-e2e-smime-bob-')))
  try {
    await bobQuire.start()
    await bobQuire.addAccount(bob, 'Bob Example')
    await trustTestRoot(bobQuire)
    const bobPage = bobQuire.page
    await importP12(bobPage, fx.bob)
    await row(bobPage, new RegExp(subject)).click()
    const reader = bobPage.getByRole('region', { name: 'Reader' })
    const badge = reader.getByRole('button', { name: /^S\/MIME: Valid signature, encrypted/ })
    await expect(badge).toBeVisible({ timeout: 30_000 })
    await expect(bobPage.frameLocator(`iframe[title="Message: ${subject}"]`).locator('body')).toContainText('The vault code is 4711.')
    await badge.click()
    const details = bobPage.getByRole('dialog', { name: 'S/MIME details' })
    await expect(details).toContainText('Signed by')
    await expect(details).toContainText(alice.email)
    await expect(details).toContainText('Signed at')
    await screenshotBothThemes(bobPage, 'smime-badge-valid')
    expect(await seriousViolations(bobPage, 'section[aria-label="Reader"]'), 'the reader with the S/MIME badge').toEqual([])
    await bobPage.keyboard.press('Escape')
    expect(bobQuire.problems, 'bob’s page logged errors').toEqual([])
  } finally {
    await bobQuire.close()
  }

  // alice's Sent copy is encrypted to her as well
  await mailboxes(page).getByRole('button', { name: /^Sent/ }).click()
  await row(page, new RegExp(subject)).click()
  await expect(page.getByRole('region', { name: 'Reader' }).getByRole('button', { name: /^S\/MIME: Valid signature, encrypted/ })).toBeVisible({ timeout: 30_000 })
  await expect(page.frameLocator(`iframe[title="Message: ${subject}"]`).locator('body')).toContainText('The vault code is 4711.')
})

test('encrypting to someone without a certificate asks first: cancel keeps the message, “send unencrypted” sends it readable', async ({ quire, page }) => {
  const { alice, carol } = quire.servers.users
  await quire.addAccount(alice, 'Alice Example')
  await trustTestRoot(quire)
  await callMain(quire.url, 'smime.importPkcs12', { data: base64(fx.alice.p12), password: fx.alice.p12Password })

  await page.getByRole('button', { name: 'New message' }).click()
  const composer = composerOf(page)
  await composer.addRecipient('To', carol.email)
  const subject = `No certificate ${unique()}`
  await composer.subject.fill(subject)
  await composer.body.click()
  await page.keyboard.type('Hello Carol.')
  await composer.dialog.getByRole('checkbox', { name: 'Encrypt' }).check()

  await composer.send.click()
  const ask = page.getByRole('alertdialog', { name: 'Not everyone can receive it encrypted' })
  await expect(ask).toContainText(`${carol.email} has no certificate to encrypt to. Send the message unencrypted, or cancel?`)
  await ask.getByRole('button', { name: 'Cancel' }).click()
  await expect(ask).toBeHidden()
  await expect(composer.dialog).toBeVisible()
  await expect(composer.dialog.getByRole('checkbox', { name: 'Encrypt' })).toBeChecked()

  await composer.send.click()
  await ask.getByRole('button', { name: 'Send unencrypted' }).click()
  await expect(page.getByRole('status').filter({ hasText: `Sent to ${carol.email}.` })).toBeVisible({ timeout: 30_000 })
  const carolPeer = await quire.peer(carol)
  const [uid] = await arrives(carolPeer, 'INBOX', subject)
  const raw = (await source(carolPeer, 'INBOX', uid!)).toString()
  expect(raw).not.toMatch(/pkcs7-mime/i)
  expect(raw).toContain('Hello Carol.')
})

test('bob sees the files inside a message OpenSSL encrypted to him and saves one: the bytes are the original', async ({ quire, page }) => {
  const { bob } = quire.servers.users
  await quire.addAccount(bob, 'Bob Example')
  await trustTestRoot(quire)
  await importP12(page, fx.bob)

  const subject = `Encrypted contract ${unique()}`
  const contract = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(30_000), Buffer.from('\n%%EOF\n')])
  const entity = splitMessage(
    await new MailComposer({
      from: fx.alice.email,
      to: bob.email,
      subject,
      text: 'The signed contract is attached.',
      attachments: [{ filename: 'contract.pdf', content: contract, contentType: 'application/pdf' }],
      newline: 'windows',
    })
      .compile()
      .build(),
  ).entity
  const entityFile = join(fx.dir, `entity-${unique()}.mime`)
  const encryptedFile = join(fx.dir, `encrypted-${unique()}.eml`)
  writeFileSync(entityFile, entity)
  fx.openssl(['cms', '-encrypt', '-in', entityFile, '-out', encryptedFile, '-aes256', '-from', fx.alice.email, '-to', bob.email, '-subject', subject, fx.bob.cert])
  const bobPeer = await quire.peer(bob)
  await bobPeer.append('INBOX', readFileSync(encryptedFile))

  await row(page, new RegExp(subject)).click()
  const reader = page.getByRole('region', { name: 'Reader' })
  await expect(reader.getByRole('button', { name: /^S\/MIME: .*encrypted/i })).toBeVisible({ timeout: 30_000 })
  await expect(reader).toContainText('The signed contract is attached.')
  const attachments = reader.getByRole('region', { name: 'Attachments' })
  await expect(attachments).toContainText('contract.pdf')
  await expect(attachments).toContainText('encrypted')
  await screenshotBothThemes(page, 'smime-encrypted-attachment')

  const download = page.waitForEvent('download')
  await attachments.getByRole('button', { name: 'Save contract.pdf' }).click()
  const saved = await download
  expect(saved.suggestedFilename()).toBe('contract.pdf')
  expect(readFileSync(await saved.path()).equals(contract)).toBe(true)
})

test('bob encrypts to alice, whose certificate only the directory has: the prompt shows it, he trusts it, the message goes encrypted to it', async ({ quire, page }) => {
  const { alice, bob } = quire.servers.users
  // a message alice signed earlier would give bob her (other) certificate as soon as it is read or prefetched
  await emptyMailbox(quire.servers, bob)
  await quire.addAccount(bob, 'Bob Example')
  await trustTestRoot(quire)
  await callMain(quire.url, 'smime.importPkcs12', { data: base64(fx.bob.p12), password: fx.bob.p12Password })
  await callMain(quire.url, 'directory.add', { settings: { name: 'Example Org', url: quire.servers.ldapUrl, baseDn: quire.servers.ldapBaseDn } })

  await page.getByRole('button', { name: 'New message' }).click()
  const composer = composerOf(page)
  await composer.addRecipient('To', alice.email)
  const subject = `Directory certificate ${unique()}`
  await composer.subject.fill(subject)
  await composer.body.click()
  await page.keyboard.type('Only you can read this, Alice.')
  await composer.dialog.getByRole('checkbox', { name: 'Encrypt' }).check()
  await composer.send.click()

  const ask = page.getByRole('alertdialog', { name: 'Not everyone can receive it encrypted' })
  const offer = ask.getByRole('region', { name: `Directory certificate for ${alice.email}` })
  await expect(offer).toBeVisible({ timeout: 30_000 })
  const der = readFileSync(join(quire.servers.dir, 'certs', 'alice-smime.der'))
  const fingerprint = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':')
  await expect(offer).toContainText('Alice Example')
  await expect(offer).toContainText('self-signed')
  await expect(offer).toContainText(fingerprint)
  await screenshotBothThemes(page, 'smime-directory-offer')
  expect(await seriousViolations(page, '[role="alertdialog"]'), 'the prompt with the directory’s certificate').toEqual([])

  await offer.getByRole('button', { name: `Trust this certificate for ${alice.email}` }).click()
  await expect(page.getByRole('status').filter({ hasText: `Sent to ${alice.email}.` })).toBeVisible({ timeout: 30_000 })
  const alicePeer = await quire.peer(alice)
  const [uid] = await arrives(alicePeer, 'INBOX', subject)
  const raw = await source(alicePeer, 'INBOX', uid!)
  expect(raw.toString()).toMatch(/application\/pkcs7-mime; smime-type=(auth)?enveloped-data/i)
  expect(raw.toString()).not.toContain('Only you can read this')
  // alice opens it with the key that belongs to the directory's certificate
  const file = join(fx.dir, `to-alice-${unique()}.eml`)
  const cert = join(fx.dir, `alice-directory-${unique()}.pem`)
  writeFileSync(file, raw)
  fx.openssl(['x509', '-inform', 'DER', '-in', join(quire.servers.dir, 'certs', 'alice-smime.der'), '-out', cert])
  expect(fx.openssl(['cms', '-decrypt', '-in', file, '-recip', cert, '-inkey', join(quire.servers.dir, 'certs', 'alice-smime.key')]).toString()).toContain('Only you can read this, Alice.')

  // and Settings → Security lists it among people's certificates, from the directory
  await page.getByRole('link', { name: 'Settings' }).click()
  const peers = page.getByRole('region', { name: `Certificates for ${alice.email}` })
  await expect(peers).toContainText('from the directory · trusted by you')
  await expect(peers).toContainText('Valid')
  await peers.scrollIntoViewIfNeeded()
  await screenshotBothThemes(page, 'smime-directory-peer')
})

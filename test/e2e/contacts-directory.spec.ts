import { createServer, type Socket } from 'node:net'
import type { Page } from '@playwright/test'
import { addDavAccount, carddavPeer, stopSlapd, vcard } from './support/carddav-peer'
import { callMain } from './support/main-rpc.mjs'
import { screenshotBothThemes } from './support/screenshots'
import { expect, test } from './support/servers-fixture'

test.describe.configure({ mode: 'serial' })

/** Adds the stack's OpenLDAP (anonymous, StartTLS verified against the test CA) the way a person does. */
async function addDirectoryThroughUi(app: Page, ldapUrl: string, baseDn: string) {
  await app.getByRole('button', { name: /^Directories/ }).click()
  const dialog = app.getByRole('dialog', { name: 'Directories' })
  await dialog.getByRole('button', { name: 'Add a directory' }).click()
  const form = app.getByRole('dialog', { name: 'Add a directory' })
  await form.getByLabel('Name', { exact: true }).fill('Example Org')
  await form.getByLabel('Server URL').fill(ldapUrl)
  await form.getByLabel('Base DN').fill(baseDn)
  await expect(form.getByLabel('Secure the connection with StartTLS (turn off only for a server that has none)')).toBeChecked()
  await form.getByRole('button', { name: 'Test connection' }).click()
  await expect(form.getByRole('status').filter({ hasText: 'Connected and searched the directory.' })).toBeVisible()
  await screenshotBothThemes(app, 'contacts-directory-settings')
  await form.getByRole('button', { name: 'Add directory' }).click()
  const list = app.getByRole('dialog', { name: 'Directories' }).getByRole('list', { name: 'Directories' })
  await expect(list).toContainText('Example Org')
  await app.keyboard.press('Escape')
}

test('two letters of a directory person’s name offer them from OpenLDAP beside local contacts; groups expand; an entry is saved', async ({ app, webMode, stack }) => {
  const peer = carddavPeer(stack, 'carol', 'cyrus')
  await peer.clear()
  await peer.put('casey.vcf', vcard(['VERSION:3.0', 'UID:casey', 'FN:Casey Local', 'N:Local;Casey;;;', 'EMAIL:casey@example.test']))
  await addDavAccount(webMode, stack, 'carol', 'cyrus', 'Carol on Cyrus')
  await app.getByRole('link', { name: 'Contacts' }).click()
  await expect(app.getByRole('button', { name: /Casey Local/ })).toBeVisible()
  await addDirectoryThroughUi(app, stack.ldapUrl, stack.ldapBaseDn)

  // the recipient field of the group form
  await app.getByRole('button', { name: 'New group' }).click()
  const input = app.getByRole('combobox', { name: 'Members' })
  await input.fill('ca')
  const options = app.getByRole('listbox', { name: 'Suggestions for Members' })
  await expect(options.getByRole('option', { name: /Casey Local/ })).toBeVisible()
  const carol = options.getByRole('option', { name: /Carol Sample/ })
  await expect(carol).toContainText('carol@example.test')
  await expect(carol).toContainText('Directory')
  await screenshotBothThemes(app, 'contacts-recipient-directory')
  await carol.click()
  const chips = app.getByRole('list', { name: 'Members: chosen' })
  await expect(chips).toContainText('Carol Sample')

  // a directory group expands to its members
  await input.fill('engin')
  await options.getByRole('option', { name: /engineering/ }).click()
  await expect(chips).toContainText('Alice Example')
  await expect(chips).toContainText('Bob Example')

  // search in the contacts view: the directory's section, the entry, saving it
  await app.getByRole('searchbox', { name: 'Search contacts' }).fill('alice')
  const results = app.getByRole('region', { name: 'Directory results' })
  await results.getByRole('button', { name: /Alice Example/ }).click()
  const entry = app.getByRole('article', { name: 'Alice Example in the directory' })
  await expect(entry).toContainText('Engineering Manager')
  await expect(entry).toContainText('1 certificate published')
  await screenshotBothThemes(app, 'contacts-directory-entry')
  await entry.getByRole('button', { name: 'Save to address book' }).click()
  await expect(app.getByRole('article', { name: 'Alice Example' })).toBeVisible()
  await expect.poll(async () => Boolean(await peer.cardWith('alice@example.test'))).toBe(true)
})

test('with the directory stopped or silent, typing is unaffected and local results still appear', async ({ app, webMode, stack }) => {
  const peer = carddavPeer(stack, 'carol', 'cyrus')
  await peer.clear()
  await peer.put('casey.vcf', vcard(['VERSION:3.0', 'UID:casey', 'FN:Casey Local', 'N:Local;Casey;;;', 'EMAIL:casey@example.test']))
  await addDavAccount(webMode, stack, 'carol', 'cyrus', 'Carol on Cyrus')
  const directory = await callMain(webMode.url, 'directory.add', {
    settings: { name: 'Example Org', url: stack.ldapUrl, startTls: true, baseDn: stack.ldapBaseDn, bindDn: null, preset: 'openldap', timeoutSeconds: 2, sizeLimit: 25, mailAccountId: null },
  })
  await app.getByRole('link', { name: 'Contacts' }).click()
  await app.getByRole('button', { name: 'New group' }).click()
  const input = app.getByRole('combobox', { name: 'Members' })
  const options = app.getByRole('listbox', { name: 'Suggestions for Members' })
  const status = app.getByRole('status').filter({ hasText: /directory|Searching|did not answer|Nothing answered|refused/i })

  // slapd stopped: the local match comes, the directory's failure is said, nothing waits on it
  const restart = await stopSlapd(stack)
  try {
    await input.fill('ca')
    await expect(options.getByRole('option', { name: /Casey Local/ })).toBeVisible()
    await expect(status).toContainText(/Example Org: .*(Nothing answered|refused|could not)/i)
    await expect(options.getByRole('option', { name: /Carol Sample/ })).toHaveCount(0)
    await input.fill('cas')
    await expect(options.getByRole('option', { name: /Casey Local/ })).toBeVisible()
  } finally {
    await restart()
  }

  // a directory that accepts the connection and never answers: local results are there while it is still being asked
  const sockets = new Set<Socket>()
  const silent = createServer((socket) => sockets.add(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  try {
    await callMain(webMode.url, 'directory.update', {
      id: directory.id,
      settings: { ...directory, url: `ldap://127.0.0.1:${(silent.address() as { port: number }).port}`, timeoutSeconds: 3 },
    })
    await input.fill('')
    await input.fill('cas')
    await expect(options.getByRole('option', { name: /Casey Local/ })).toBeVisible()
    await expect(status).toContainText('Searching the directory…')
    await screenshotBothThemes(app, 'contacts-recipient-directory-silent')
    await expect(status).toContainText(/did not answer/)
    await expect(options.getByRole('option', { name: /Casey Local/ })).toBeVisible()
  } finally {
    for (const socket of sockets) socket.destroy()
    silent.close()
  }

  // and once it is back, it answers again
  await callMain(webMode.url, 'directory.update', { id: directory.id, settings: { ...directory } })
  await input.fill('')
  await input.fill('car')
  await expect(options.getByRole('option', { name: /Carol Sample/ })).toBeVisible()
})

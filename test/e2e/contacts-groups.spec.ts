import type { Page } from '@playwright/test'
import { addDavAccount, carddavPeer, vcard } from './support/carddav-peer'
import { screenshotBothThemes } from './support/screenshots'
import { expect, test } from './support/servers-fixture'

test.describe.configure({ mode: 'serial' })

/** Picks a suggestion in a recipient field by typing and clicking it. */
async function pick(app: Page, field: string, typed: string, option: RegExp) {
  const input = app.getByRole('combobox', { name: field })
  await input.fill(typed)
  const listbox = app.getByRole('listbox', { name: `Suggestions for ${field}` })
  await listbox.getByRole('option', { name: option }).click()
}

test('a group made in Quire is an Apple-style group on Cyrus, is renamed and changed there, and expands in a recipient field', async ({ app, webMode, stack }) => {
  const peer = carddavPeer(stack, 'alice', 'cyrus')
  await peer.clear()
  await peer.put('mia.vcf', vcard(['VERSION:3.0', 'UID:mia', 'FN:Mia Member', 'N:Member;Mia;;;', 'EMAIL:mia@example.test']))
  await peer.put('noah.vcf', vcard(['VERSION:3.0', 'UID:noah', 'FN:Noah Member', 'N:Member;Noah;;;', 'EMAIL:noah@example.test']))
  await peer.put('olga.vcf', vcard(['VERSION:3.0', 'UID:olga', 'FN:Olga Other', 'N:Other;Olga;;;', 'EMAIL:olga@example.test']))
  await addDavAccount(webMode, stack, 'alice', 'cyrus', 'Alice on Cyrus')
  await app.getByRole('link', { name: 'Contacts' }).click()
  await expect(app.getByRole('list', { name: 'Contacts' }).getByRole('button')).toHaveCount(3)

  await app.getByRole('button', { name: 'New group' }).click()
  const form = app.getByRole('form', { name: 'New group' })
  await form.getByLabel('Group name').fill('Project Team')
  await pick(app, 'Members', 'mia', /Mia Member/)
  await pick(app, 'Members', 'noah', /Noah Member/)
  await expect(form.getByRole('list', { name: 'Members: chosen' }).getByRole('listitem')).toHaveCount(2)
  await form.getByRole('button', { name: 'Create group' }).click()

  const group = app.getByRole('article', { name: 'Group Project Team' })
  await expect(group.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveCount(2)
  await expect(group).toContainText('Apple-style group')
  await expect.poll(async () => (await peer.cardWith('Project Team'))?.text ?? '').toContain('X-ADDRESSBOOKSERVER-KIND:group')
  let stored = (await peer.cardWith('Project Team'))!.text
  expect(stored).toContain('X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:mia')
  expect(stored).toContain('X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:noah')
  expect(stored).toMatch(/VERSION:3\.0/)

  // rename; add a member through the group's own recipient field; remove one
  await group.getByLabel('Group name').fill('Core Team')
  await group.getByRole('button', { name: 'Rename' }).click()
  await expect(app.getByRole('article', { name: 'Group Core Team' })).toBeVisible()
  const core = app.getByRole('article', { name: 'Group Core Team' })
  await pick(app, 'Add members', 'olg', /Olga Other/)
  await expect(core.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveCount(3)
  await core.getByRole('button', { name: 'Remove Noah Member from the group' }).click()
  await expect(core.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveCount(2)
  await expect.poll(async () => (await peer.cardWith('FN:Core Team'))?.text ?? '').toContain('urn:uuid:olga')
  stored = (await peer.cardWith('FN:Core Team'))!.text
  expect(stored).not.toContain('urn:uuid:noah')
  expect(stored).toContain('urn:uuid:mia')

  // typing the group's name in a recipient field offers it and expands it to its members
  await app.getByRole('button', { name: 'New group' }).click()
  const input = app.getByRole('combobox', { name: 'Members' })
  await input.fill('core')
  const option = app.getByRole('listbox', { name: 'Suggestions for Members' }).getByRole('option', { name: /Core Team/ })
  await expect(option).toContainText('Group · 2 members')
  await screenshotBothThemes(app, 'contacts-recipient-group')
  await option.click()
  const chips = app.getByRole('form', { name: 'New group' }).getByRole('list', { name: 'Members: chosen' })
  await expect(chips.getByRole('listitem')).toHaveCount(2)
  await expect(chips).toContainText('Mia Member')
  await expect(chips).toContainText('Olga Other')
  // Backspace in the empty field removes the last chip
  await input.press('Backspace')
  await expect(chips.getByRole('listitem')).toHaveCount(1)
  // a typed address becomes a chip
  await input.fill('someone@example.org,')
  await expect(chips).toContainText('someone@example.org')
})

test('on a server whose cards are vCard 4, the group is a vCard 4 KIND:group', async ({ app, webMode, stack }) => {
  const peer = carddavPeer(stack, 'bob', 'radicale')
  await peer.clear()
  await peer.put('p1.vcf', vcard(['VERSION:4.0', 'UID:urn:uuid:5f0c8a9e-0000-4000-8000-000000000001', 'FN:Pat Four', 'EMAIL:pat@example.test']))
  await addDavAccount(webMode, stack, 'bob', 'radicale', 'Bob')
  await app.getByRole('link', { name: 'Contacts' }).click()
  await expect(app.getByRole('button', { name: /Pat Four/ })).toBeVisible()
  await app.getByRole('button', { name: 'New group' }).click()
  const form = app.getByRole('form', { name: 'New group' })
  await form.getByLabel('Group name').fill('Fours')
  await pick(app, 'Members', 'pat', /Pat Four/)
  await form.getByRole('button', { name: 'Create group' }).click()
  await expect(app.getByRole('article', { name: 'Group Fours' })).toContainText('vCard 4 group')
  await expect.poll(async () => (await peer.cardWith('Fours'))?.text ?? '').toMatch(/KIND:group/i)
  const stored = (await peer.cardWith('Fours'))!.text
  expect(stored).toMatch(/VERSION:4\.0/)
  expect(stored).toMatch(/MEMBER:urn:uuid:5f0c8a9e-0000-4000-8000-000000000001/i)
  expect(stored).not.toContain('X-ADDRESSBOOKSERVER')
})

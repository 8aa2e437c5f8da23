import { readFile } from 'node:fs/promises'
import { addDavAccount, carddavPeer, vcard } from './support/carddav-peer'
import { screenshotBothThemes } from './support/screenshots'
import { expect, test } from './support/servers-fixture'

/** A .vcf as real address books export them: vCard 2.1 (old phones, Outlook), 3.0 and 4.0, and some cards to skip. */
const MIXED_FILE = [
  // 1: vCard 2.1 with quoted-printable UTF-8, bare TYPE parameters and a soft line break
  'BEGIN:VCARD',
  'VERSION:2.1',
  'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen',
  'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller',
  'TEL;HOME;VOICE:+49 30 1234567',
  'EMAIL;INTERNET;PREF:juergen@example.test',
  'NOTE;ENCODING=QUOTED-PRINTABLE:Met at the conference=0D=0Ain Berlin, 2019=',
  ' (keynote)',
  'END:VCARD',
  // 2: vCard 2.1, plain
  'BEGIN:VCARD',
  'VERSION:2.1',
  'N:Okafor;Chidi',
  'FN:Chidi Okafor',
  'TEL;CELL:+234 1 555 0101',
  'ORG:Lagos Labs',
  'END:VCARD',
  // 3: vCard 3.0 with an unknown property
  'BEGIN:VCARD',
  'VERSION:3.0',
  'UID:import-three',
  'FN:Tomás Ruiz',
  'N:Ruiz;Tomás;;;',
  'EMAIL;TYPE=INTERNET,WORK:tomas@example.test',
  'X-CUSTOM-FIELD:keep me',
  'END:VCARD',
  // 4: vCard 3.0, no UID (one is added)
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Mei Chen',
  'N:Chen;Mei;;;',
  'EMAIL:mei@example.test',
  'END:VCARD',
  // 5: vCard 4.0
  'BEGIN:VCARD',
  'VERSION:4.0',
  'UID:urn:uuid:9b2f1c7e-1111-4222-8333-444455556666',
  'FN:Priya Natarajan',
  'N:Natarajan;Priya;;;',
  'TEL;VALUE=uri;TYPE=cell:tel:+91-80-5550-1234',
  'BDAY:--0704',
  'END:VCARD',
  // 6: skipped: nothing to go by
  'BEGIN:VCARD',
  'VERSION:3.0',
  'NOTE:a card with only a note',
  'END:VCARD',
  // 7: skipped: same UID as card 3
  'BEGIN:VCARD',
  'VERSION:3.0',
  'UID:import-three',
  'FN:Tomás Ruiz (copy)',
  'END:VCARD',
  // 8: skipped: already in the address book
  'BEGIN:VCARD',
  'VERSION:3.0',
  'UID:already-here',
  'FN:Already Here',
  'EMAIL:already@example.test',
  'END:VCARD',
  // 9: skipped: unknown version
  'BEGIN:VCARD',
  'VERSION:5.0',
  'FN:From The Future',
  'END:VCARD',
  // 10: skipped: cut off
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Cut Off',
].join('\r\n')

test('importing a file that mixes vCard 2.1, 3.0 and 4.0 reports exact counts and reasons, and export gives them back', async ({ app, webMode, stack }) => {
  const peer = carddavPeer(stack, 'alice', 'radicale')
  await peer.clear()
  await peer.put('already.vcf', vcard(['VERSION:3.0', 'UID:already-here', 'FN:Already Here', 'EMAIL:already@example.test']))
  await addDavAccount(webMode, stack, 'alice', 'radicale', 'Alice')
  await app.getByRole('link', { name: 'Contacts' }).click()
  await expect(app.getByRole('button', { name: /Already Here/ })).toBeVisible()
  await app.getByRole('navigation', { name: 'Address books' }).getByRole('button', { name: /^contacts/ }).click()

  await app.getByLabel('vCard file to import').setInputFiles({ name: 'mixed.vcf', mimeType: 'text/vcard', buffer: Buffer.from(MIXED_FILE, 'utf8') })
  const summary = app.getByRole('region', { name: 'Import summary' })
  await expect(summary.getByRole('status')).toHaveText('Imported 5 contacts into contacts; skipped 5.')
  const skipped = summary.getByRole('list', { name: 'Skipped cards' }).getByRole('listitem')
  await expect(skipped).toHaveText([
    'Card 6: The card has no name, email address, phone number or organisation.',
    'Card 7 (Tomás Ruiz (copy)): The same card (same UID) came earlier in the file.',
    'Card 8 (Already Here): It is already in contacts (same UID).',
    'Card 9 (From The Future): vCard version 5.0 is not one Quire reads (2.1, 3.0 and 4.0 are).',
    'Card 10 (Cut Off): The card is cut off: it has no END:VCARD line.',
  ])
  await screenshotBothThemes(app, 'contacts-import-summary')

  const list = app.getByRole('list', { name: 'Contacts' })
  for (const name of ['Jürgen Müller', 'Chidi Okafor', 'Tomás Ruiz', 'Mei Chen', 'Priya Natarajan']) await expect(list.getByRole('button', { name: new RegExp(name) })).toBeVisible()
  await expect.poll(async () => (await peer.cards()).length).toBe(6)
  const juergen = (await peer.cardWith('juergen@example.test'))!.text
  expect(juergen).toContain('VERSION:3.0')
  expect(juergen).toContain('Jürgen Müller')
  expect(juergen).toMatch(/TEL;TYPE=HOME,VOICE:\+49 30 1234567/i)
  expect(juergen).toMatch(/Met at the conference\\nin Berlin\\, 2019 \(keynote\)/)
  expect((await peer.cardWith('tomas@example.test'))!.text).toContain('X-CUSTOM-FIELD:keep me')
  expect((await peer.cardWith('Priya'))!.text).toContain('VERSION:4.0')

  await list.getByRole('button', { name: /Jürgen Müller/ }).click()
  await expect(app.getByRole('article', { name: 'Jürgen Müller' })).toContainText('Met at the conference')

  // export: one file with every card of the address book, as the server stores them
  const download = app.waitForEvent('download')
  await app.getByRole('button', { name: 'Export .vcf' }).click()
  const file = await (await download).path()
  const text = await readFile(file, 'utf8')
  expect(text.match(/BEGIN:VCARD/g)).toHaveLength(6)
  expect(text).toContain('X-CUSTOM-FIELD:keep me')
  expect((await download).suggestedFilename()).toBe('contacts.vcf')
})

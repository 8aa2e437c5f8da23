import { addDavAccount, carddavPeer, vcard } from './support/carddav-peer'
import { screenshotBothThemes } from './support/screenshots'
import { expect, test } from './support/servers-fixture'

test.describe.configure({ mode: 'serial' })

test('a card made elsewhere shows, an edit keeps what Quire does not show, and create and delete reach the server', async ({ app, webMode, stack }) => {
  const peer = carddavPeer(stack, 'alice', 'radicale')
  await peer.clear()
  await peer.put(
    'ada.vcf',
    vcard([
      'VERSION:3.0',
      'UID:ada-lovelace',
      'FN:Ada Lovelace',
      'N:Lovelace;Ada;;;',
      'X-PHONETIC-FIRST-NAME:AY-da',
      'X-PHONETIC-LAST-NAME:LUV-lace',
      'NICKNAME:Enchantress of Numbers',
      'ORG:Analytical Engines;Research',
      'TITLE:Programmer',
      'EMAIL;TYPE=work:ada@example.test',
      'TEL;TYPE=cell:+44 20 7946 0018',
      'ADR;TYPE=home:;;12 St James Square;London;;SW1Y 4JH;United Kingdom',
      'BDAY:1815-12-10',
      'URL:https://en.wikipedia.org/wiki/Ada_Lovelace',
      'NOTE:Wrote the first algorithm for a machine.',
      'X-QUIRE-TEST-UNKNOWN;X-PARAM=kept:must survive an edit',
      'item1.X-ABRELATEDNAMES:Charles Babbage',
      'item1.X-ABLabel:_$!<Friend>!$_',
    ]),
  )
  await peer.put('grace.vcf', vcard(['VERSION:4.0', 'UID:grace', 'FN:Grace Hopper', 'N:Hopper;Grace;;;', 'EMAIL:grace@example.test', 'TITLE:Rear Admiral']))
  await peer.put('alan.vcf', vcard(['VERSION:3.0', 'UID:alan', 'FN:Alan Turing', 'N:Turing;Alan;;;', 'EMAIL:alan@example.test']))
  await addDavAccount(webMode, stack, 'alice', 'radicale', 'Alice’s contacts')

  await app.getByRole('link', { name: 'Contacts' }).click()
  const list = app.getByRole('list', { name: 'Contacts' })
  await expect(list.getByRole('button', { name: /Ada Lovelace/ })).toBeVisible()
  await expect(list.getByRole('button')).toHaveCount(3)
  // A–Z: family names sort the list; the index jumps to a letter
  await expect(list.getByRole('button').first()).toContainText('Grace Hopper')
  await expect(app.getByRole('button', { name: 'Jump to T' })).toBeEnabled()
  await expect(app.getByRole('button', { name: 'Jump to Q' })).toBeDisabled()

  await list.getByRole('button', { name: /Ada Lovelace/ }).click()
  const detail = app.getByRole('article', { name: 'Ada Lovelace' })
  await expect(detail.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible()
  await expect(detail.getByLabel('Pronounced')).toHaveText('AY-da LUV-lace')
  await expect(detail).toContainText('Programmer, Analytical Engines · Research')
  await expect(detail.getByRole('link', { name: 'ada@example.test' })).toBeVisible()
  await expect(detail).toContainText('12 St James Square')
  await expect(detail).toContainText('1815')
  await screenshotBothThemes(app, 'contacts-detail')

  // search by a phonetic-free word of the organisation and by an address
  await app.getByRole('searchbox', { name: 'Search contacts' }).fill('analyt')
  await expect(app.getByRole('list', { name: 'Matching contacts' }).getByRole('button')).toHaveCount(1)
  await app.getByRole('searchbox', { name: 'Search contacts' }).fill('grace@ex')
  await expect(app.getByRole('list', { name: 'Matching contacts' }).getByRole('button', { name: /Grace Hopper/ })).toBeVisible()
  await app.getByRole('searchbox', { name: 'Search contacts' }).fill('')

  // edit: title and a second phone; the unknown properties stay on the server
  await detail.getByRole('button', { name: 'Edit' }).click()
  const editor = app.getByRole('form', { name: 'Edit Ada Lovelace' })
  await expect(editor.getByLabel('Phonetic first name')).toHaveValue('AY-da')
  await screenshotBothThemes(app, 'contacts-editor')
  await editor.getByLabel('Job title').fill('First Programmer')
  await editor.getByRole('button', { name: 'Add phone' }).click()
  await editor.getByLabel('Phone 2', { exact: true }).fill('+44 20 7946 0999')
  await editor.getByLabel('Phone 2 type').selectOption('work')
  await editor.getByRole('button', { name: 'Save' }).click()
  await expect(detail).toContainText('First Programmer')
  await expect.poll(async () => (await peer.get('ada.vcf').then((r) => r.text())).includes('First Programmer')).toBe(true)
  const stored = await (await peer.get('ada.vcf')).text()
  expect(stored).toContain('+44 20 7946 0999')
  expect(stored).toMatch(/X-QUIRE-TEST-UNKNOWN;X-PARAM=kept:must survive an edit/i)
  expect(stored).toMatch(/item1\.X-ABRELATEDNAMES:Charles Babbage/i)
  expect(stored).toMatch(/item1\.X-ABLabel:_\$!<Friend>!\$_/i)
  await expect(detail).not.toContainText('Waiting to be saved')

  // a change made on the server arrives
  await peer.put('alan.vcf', vcard(['VERSION:3.0', 'UID:alan', 'FN:Alan Turing', 'N:Turing;Alan;;;', 'EMAIL:alan@example.test', 'TITLE:Codebreaker']))
  await app.getByRole('button', { name: 'Sync contacts now' }).click()
  await list.getByRole('button', { name: /Alan Turing/ }).click()
  await expect(app.getByRole('article', { name: 'Alan Turing' })).toContainText('Codebreaker')

  // create with the editor
  await app.getByRole('button', { name: 'New contact' }).click()
  const create = app.getByRole('form', { name: 'New contact' })
  await create.getByLabel('First name', { exact: true }).fill('Katherine')
  await create.getByLabel('Last name', { exact: true }).fill('Johnson')
  await create.getByLabel('Phonetic first name').fill('KATH-rin')
  await create.getByLabel('Email 1', { exact: true }).fill('katherine@example.test')
  await create.getByLabel('Nicknames').fill('Kat, KJ')
  await create.getByLabel('Organization').fill('NASA')
  await create.getByRole('button', { name: 'Add address' }).click()
  await create.getByLabel('Address 1 street').fill('1 Langley Blvd')
  await create.getByLabel('Address 1 city').fill('Hampton')
  await create.getByLabel('Birthday').fill('1918-08-26')
  await create.getByLabel('Note').fill('Hidden figure.')
  // a photo is scaled to 256 px and stored in the card
  const png = Buffer.from(
    await app.evaluate(() => {
      const canvas = document.createElement('canvas')
      canvas.width = canvas.height = 40
      const context = canvas.getContext('2d')!
      context.fillStyle = '#c0392b'
      context.fillRect(0, 0, 40, 40)
      return canvas.toDataURL('image/png').split(',')[1]!
    }),
    'base64',
  )
  await create.getByLabel('Add photo').setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: png })
  await expect(create.getByRole('button', { name: 'Remove photo' })).toBeVisible()
  await create.getByRole('button', { name: 'Create contact' }).click()
  await expect(app.getByRole('article', { name: 'Katherine Johnson' })).toBeVisible()
  await expect.poll(async () => (await peer.cardWith('katherine@example.test'))?.text ?? '').toContain('X-PHONETIC-FIRST-NAME:KATH-rin')
  const katherine = (await peer.cardWith('katherine@example.test'))!.text
  expect(katherine).toMatch(/NICKNAME:Kat\r?\n/)
  expect(katherine).toMatch(/NICKNAME:KJ\r?\n/)
  expect(katherine).toMatch(/BDAY:1918-08-26/)
  expect(katherine).toMatch(/1 Langley Blvd;Hampton/)
  expect(katherine).toMatch(/PHOTO;ENCODING=b;TYPE=JPEG:\/9j\//i)

  // delete
  await app.getByRole('article', { name: 'Katherine Johnson' }).getByRole('button', { name: 'Delete contact' }).click()
  await app.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
  await expect(list.getByRole('button', { name: /Katherine Johnson/ })).toHaveCount(0)
  await expect.poll(async () => Boolean(await peer.cardWith('katherine@example.test'))).toBe(false)

  await app.getByRole('button', { name: /Ada Lovelace/ }).click()
  await screenshotBothThemes(app, 'contacts-list')
})

test('the same card changed on the server and here: both versions are shown and neither is lost', async ({ app, webMode, stack }) => {
  const peer = carddavPeer(stack, 'bob', 'cyrus')
  await peer.clear()
  await peer.put('lin.vcf', vcard(['VERSION:3.0', 'UID:lin', 'FN:Lin Conflict', 'N:Conflict;Lin;;;', 'TITLE:Original title']))
  await addDavAccount(webMode, stack, 'bob', 'cyrus', 'Bob on Cyrus')
  await app.getByRole('link', { name: 'Contacts' }).click()
  await app.getByRole('button', { name: /Lin Conflict/ }).click()
  // someone else edits it now; Quire has not synced since
  await peer.put('lin.vcf', vcard(['VERSION:3.0', 'UID:lin', 'FN:Lin Conflict', 'N:Conflict;Lin;;;', 'TITLE:Their title']))
  await app.getByRole('article', { name: 'Lin Conflict' }).getByRole('button', { name: 'Edit' }).click()
  await app.getByRole('form', { name: 'Edit Lin Conflict' }).getByLabel('Job title').fill('My title')
  await app.getByRole('form', { name: 'Edit Lin Conflict' }).getByRole('button', { name: 'Save' }).click()

  const conflict = app.getByRole('region', { name: 'Conflicting versions' })
  await expect(conflict).toBeVisible()
  await expect(conflict.getByRole('row', { name: /Title/ })).toContainText('My title')
  await expect(conflict.getByRole('row', { name: /Title/ })).toContainText('Their title')
  await screenshotBothThemes(app, 'contacts-conflict')
  await conflict.getByRole('button', { name: 'Keep both' }).click()
  await expect(conflict).toBeHidden()
  await expect.poll(async () => (await peer.cards()).map((c) => /TITLE:(.*)\r?\n/.exec(c.text)?.[1]).sort()).toEqual(['My title', 'Their title'])
})

test('duplicates by email merge into one card that keeps every value', async ({ app, webMode, stack }) => {
  const peer = carddavPeer(stack, 'carol', 'radicale')
  await peer.clear()
  await peer.put('d1.vcf', vcard(['VERSION:3.0', 'UID:d1', 'FN:Dana Double', 'N:Double;Dana;;;', 'EMAIL:dana@example.test', 'TEL:+1 555 0101', 'X-ONLY-ONE:1']))
  await peer.put('d2.vcf', vcard(['VERSION:3.0', 'UID:d2', 'FN:Dana Double', 'N:Double;Dana;;;', 'EMAIL:DANA@example.test', 'TEL:+1 555 0202', 'TITLE:Twin', 'X-ONLY-TWO:2']))
  await addDavAccount(webMode, stack, 'carol', 'radicale', 'Carol')
  await app.getByRole('link', { name: 'Contacts' }).click()
  await expect(app.getByRole('list', { name: 'Contacts' }).getByRole('button')).toHaveCount(2)
  await app.getByRole('button', { name: /Duplicates/ }).click()
  const panel = app.getByRole('region', { name: 'Possible duplicates' })
  await expect(panel.getByRole('group', { name: /Dana Double · 2 cards/ })).toBeVisible()
  await panel.getByRole('button', { name: 'Merge into the selected card' }).click()
  await expect(app.getByRole('list', { name: 'Contacts' }).getByRole('button')).toHaveCount(1)
  await expect.poll(async () => (await peer.cards()).length).toBe(1)
  const [merged] = await peer.cards()
  for (const kept of ['+1 555 0101', '+1 555 0202', 'TITLE:Twin', 'X-ONLY-ONE:1', 'X-ONLY-TWO:2']) expect(merged!.text).toContain(kept)
})

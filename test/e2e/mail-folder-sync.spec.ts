import type { Page } from '@playwright/test'
import { addAccount, compose, emptyMailbox, expect, imapPeer, test } from './support/mail-fixtures'

test.use({ trace: 'off' })

/** How many headers of a folder the page holds in IndexedDB (the store's own database). */
function cachedIn(app: Page, path: string): Promise<number> {
  return app.evaluate(
    (path) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('quire')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const request = db.transaction('messages').objectStore('messages').getAll()
          request.onsuccess = () => (db.close(), resolve((request.result as { path: string }[]).filter((m) => m.path === path).length))
        }
      }),
    path,
  )
}

test('the user chooses which folders stay offline and how far back', async ({ app, stack, webMode }) => {
  const alice = stack.users.alice
  await emptyMailbox(stack, alice)
  const day = 86_400_000
  // the sync window compares INTERNALDATE (RFC 3501 SINCE), so the messages are filed with theirs
  const peer = await imapPeer(stack, alice)
  for (const [subject, age] of [['Archived last week', 7], ['Archived two years ago', 730]] as const) {
    const date = new Date(Date.now() - age * day)
    await peer.append('Archive', await compose({ from: 'dana@example.test', to: alice.email, subject, text: subject, date }), [], date)
  }
  await peer.logout()
  await addAccount(webMode, stack, 'alice')

  await app.getByRole('link', { name: 'Settings' }).click()
  await app.getByRole('button', { name: 'Folders of Alice' }).click()
  const dialog = app.getByRole('dialog', { name: 'Folders of Alice' })
  const archive = dialog.getByRole('row', { name: /^Archive/ })
  await expect(archive).toContainText('2 offline', { timeout: 30_000 })
  expect(await cachedIn(app, 'Archive')).toBe(2)

  // how far back: a window of 90 days drops the two-year-old message from this computer only
  await dialog.getByLabel('How far back to keep Archive').selectOption({ label: 'Last 90 days' })
  await expect.poll(() => cachedIn(app, 'Archive'), { timeout: 30_000 }).toBe(1)

  // not kept at all: its messages leave the cache; kept again: they come back
  await dialog.getByLabel('Keep Archive offline').uncheck()
  await expect(archive).toContainText('not kept')
  await expect.poll(() => cachedIn(app, 'Archive'), { timeout: 30_000 }).toBe(0)
  await expect(dialog.getByLabel('How far back to keep Archive')).toBeDisabled()
  await dialog.getByLabel('Keep Archive offline').check()
  await expect.poll(() => cachedIn(app, 'Archive'), { timeout: 30_000 }).toBeGreaterThan(0)
  await app.screenshot({ path: test.info().outputPath('folder-sync.png') })
})

import { arrives, composerOf, expect, submitMarker, test, withSubject } from './support/compose-fixtures'

const POINTS = ['before-data', 'after-accept', 'after-sent'] as const

for (const point of POINTS) {
  test(`main killed at ${point} of a send: after a restart the message is delivered once and filed once`, async ({ quire, page }) => {
    const { alice, bob } = quire.servers.users
    await quire.addAccount(alice, 'Alice Example')
    await quire.restart({ QUIRE_TEST_CRASH_AT: point })

    await page.getByRole('button', { name: 'New message' }).click()
    const composer = composerOf(page)
    await composer.addRecipient('To', bob.email)
    const subject = `Killed at ${point} ${Math.random().toString(36).slice(2, 8)}`
    await composer.subject.fill(subject)
    await composer.body.click()
    await page.keyboard.type('Does this arrive once?')
    await composer.send.click()

    // main stops dead at that point of the send; the test kills it there (SIGKILL: nothing is flushed)
    await quire.printed(`QUIRE_TEST_CRASH_AT=${point}`)
    await quire.restart()

    const bobPeer = await quire.peer(bob)
    await arrives(bobPeer, 'INBOX', subject)
    await expect(page.getByRole('status').filter({ hasText: `Sent to ${bob.email}.` })).toBeVisible({ timeout: 30_000 })
    // anything submitted twice would be queued before this one
    await submitMarker(quire)

    expect(await withSubject(bobPeer, 'INBOX', subject)).toHaveLength(1)
    const alicePeer = await quire.peer(alice)
    expect(await withSubject(alicePeer, 'Sent', subject)).toHaveLength(1)
    expect(await withSubject(alicePeer, 'Drafts', subject)).toEqual([])
  })
}

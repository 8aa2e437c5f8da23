import { QuireError } from '../../common/contract'
import type { ContactConflict, StoredCard } from '../../common/domain/contact'
import { textOf, type DavClient } from '../dav-client'
import { withFinalNewline } from '../dav-properties'
import { readVCard } from './vcard-read'

const VCARD = 'text/vcard; charset=utf-8'
const NS = { 'xmlns:d': 'DAV:', 'xmlns:card': 'urn:ietf:params:xml:ns:carddav' }

/** A card read from the server; a card without UID is named after its resource. */
export function storedCard(href: string, etag: string | null, raw: string): StoredCard {
  const name = decodeURIComponent(new URL(href).pathname.split('/').filter(Boolean).at(-1) ?? href).replace(/\.vcf$/i, '')
  return { href, etag, raw, card: readVCard(raw, () => name).card }
}

/** addressbook-multiget (RFC 6352 §8.7) of these cards; those the server no longer has come back in `missing`. */
export async function fetchCards(client: DavClient, bookUrl: string, hrefs: string[], signal?: AbortSignal): Promise<{ cards: StoredCard[]; missing: string[] }> {
  const wanted = new Map(hrefs.map((href) => [new URL(href).href, href]))
  let responses
  try {
    responses = await client.report(
      bookUrl,
      { 'card:addressbook-multiget': { _attributes: NS, prop: { getetag: {}, 'card:address-data': {} }, href: [...wanted.keys()].map((href) => new URL(href).pathname) } },
      '1',
      signal,
    )
  } catch (error) {
    // one href, gone: some servers answer the whole REPORT 404 instead of a 404 response inside it
    if (error instanceof QuireError && error.code === 'NOT_FOUND' && hrefs.length === 1) return { cards: [], missing: hrefs }
    throw error
  }
  const cards: StoredCard[] = []
  for (const response of responses) {
    if (!response.href || !response.ok) continue
    const href = new URL(response.href, bookUrl).href
    const data = textOf(response.props?.addressData)
    if (!wanted.has(href) || !data) continue
    cards.push(storedCard(wanted.get(href)!, textOf(response.props?.getetag) ?? null, withFinalNewline(data)))
    wanted.delete(href)
  }
  return { cards, missing: [...wanted.values()] }
}

/**
 * Stores one card: created only where nothing is (`etag` null: If-None-Match *), else replacing
 * exactly the version the user edited (If-Match, RFC 7232 §3.1). Someone else's change in between
 * is a 412, which throws CONFLICT carrying the server's version; nothing is overwritten. Returns
 * the card as the server now holds it (read back: servers may add or rewrite properties).
 */
export async function putCard(client: DavClient, href: string, raw: string, etag: string | null, signal?: AbortSignal): Promise<StoredCard> {
  let stored: { etag: string | null }
  try {
    stored = await client.put(href, raw, VCARD, etag, signal)
  } catch (error) {
    throw await withServerVersion(client, href, error, signal)
  }
  const current = await client.get(href, signal)
  if (!current) throw new QuireError('NOT_FOUND', { message: 'The server accepted the contact but does not show it. Sync the address book and try again.' })
  return storedCard(href, current.etag ?? stored.etag, current.data)
}

/** Deletes exactly this version (`etag` null: whatever is there); a 412 throws CONFLICT with the server's version. */
export async function deleteCard(client: DavClient, href: string, etag: string | null, signal?: AbortSignal): Promise<void> {
  try {
    await client.delete(href, etag, signal)
  } catch (error) {
    throw await withServerVersion(client, href, error, signal)
  }
}

/** The server's current card or null (deleted there), fetched fresh. */
export async function currentCard(client: DavClient, href: string, signal?: AbortSignal): Promise<StoredCard | null> {
  const current = await client.get(href, signal)
  return current ? storedCard(href, current.etag, current.data) : null
}

async function withServerVersion(client: DavClient, href: string, error: unknown, signal?: AbortSignal): Promise<unknown> {
  if (!(error instanceof QuireError) || error.code !== 'CONFLICT') return error
  const current = await currentCard(client, href, signal)
  const details: ContactConflict = { current }
  return new QuireError('CONFLICT', {
    message: current
      ? 'Someone changed this contact on the server since Quire last synced it. Both versions are kept: choose which one to keep.'
      : 'Someone deleted this contact on the server since Quire last synced it. Your version is kept: choose whether to store it again.',
    details,
  })
}

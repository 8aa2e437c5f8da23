import type { DAVResponse } from 'tsdav'
import type { AccountId } from '../../common/domain/account'
import type { AddressBook } from '../../common/domain/contact'
import { ensureSlash, textOf, type DavClient } from '../dav-client'
import { list, privilegesOf, reportsOf } from '../dav-properties'

/** What each collection in an address book home is asked (one Depth 1 PROPFIND). */
const ADDRESS_BOOK_PROPS = {
  'd:displayname': {},
  'd:resourcetype': {},
  'd:current-user-privilege-set': {},
  'd:supported-report-set': {},
  'd:sync-token': {},
  'card:supported-address-data': {},
  'card:addressbook-description': {},
}

/** RFC 3744 §3.1 privileges that allow adding, changing and removing cards. */
const WRITE_PRIVILEGES = ['all', 'write', 'writeContent', 'bind']

/** The address books (RFC 6352 §5.2) in every address book home of the principal. */
export async function listAddressBooks(client: DavClient, accountId: AccountId, homeUrls: string[], signal?: AbortSignal): Promise<AddressBook[]> {
  const books: AddressBook[] = []
  for (const home of homeUrls) {
    const responses = await client.propfind(home, ADDRESS_BOOK_PROPS, '1', signal)
    for (const response of responses) {
      const book = toAddressBook(response, home, accountId)
      if (book && !books.some((b) => b.url === book.url)) books.push(book)
    }
  }
  return books.sort((a, b) => a.displayName.localeCompare(b.displayName))
}

function toAddressBook(response: DAVResponse, home: string, accountId: AccountId): AddressBook | undefined {
  if (!response.href || !response.ok) return undefined
  const props = response.props ?? {}
  if (!Object.keys((props.resourcetype as object | undefined) ?? {}).includes('addressbook')) return undefined
  const url = ensureSlash(new URL(response.href, home).href)
  const privileges = privilegesOf(props.currentUserPrivilegeSet)
  const versions = list((props.supportedAddressData as { addressDataType?: unknown } | undefined)?.addressDataType).map((t) =>
    String((t as { _attributes?: Record<string, unknown> })._attributes?.version ?? ''),
  )
  return {
    accountId,
    url,
    displayName: textOf(props.displayname) ?? decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? 'Contacts'),
    description: textOf(props.addressbookDescription) ?? '',
    supportsSync: reportsOf(props.supportedReportSet).includes('syncCollection') || textOf(props.syncToken) !== undefined,
    supportsVCard4: versions.includes('4.0'),
    // no privilege set at all (a server without RFC 3744): assume the owner may write
    readOnly: privileges !== undefined && !privileges.some((p) => WRITE_PRIVILEGES.includes(p)),
  }
}

import type { Handlers } from '../../rpc/router'
import type { CardDavService } from './carddav-service'
import { parseVcfFile } from './vcard-file'
import { writeVCard } from './vcard-write'

type ContactsHandlers = Pick<Handlers, 'contacts.addressBooks' | 'contacts.changes' | 'contacts.fetch' | 'contacts.apply' | 'contacts.readVcf' | 'contacts.writeVcf'>

/** The contacts procedures of the contract, over the CardDAV service and the vCard reader and writer. */
export function contactsHandlers(carddav: CardDavService): ContactsHandlers {
  return {
    'contacts.addressBooks': ({ accountId }, { signal }) => carddav.addressBooks(accountId, signal),
    'contacts.changes': ({ accountId, bookUrl, cursor }, { signal }) => carddav.changes(accountId, bookUrl, cursor, signal),
    'contacts.fetch': ({ accountId, bookUrl, hrefs }, { signal }) => carddav.fetch(accountId, bookUrl, hrefs, signal),
    'contacts.apply': async ({ accountId, task }, { signal }) => ({ stored: await carddav.apply(accountId, task, signal) }),
    'contacts.readVcf': ({ text }) => parseVcfFile(text),
    'contacts.writeVcf': ({ cards }) => ({ text: cards.map(({ card, baseRaw }) => writeVCard({ card, base: baseRaw })).join('') }),
  }
}

import type { ImapFlow, SearchObject } from 'imapflow'
import { QuireError } from '../common/contract'
import { expandSequenceSet } from './uid-set'

/**
 * The UIDs matching `query`, ascending. With ESEARCH the answer is a compact sequence-set
 * (RFC 4731 §3.1 RETURN (ALL)), so "every UID of a 100k folder" is a few bytes, not 600 kB.
 */
export async function searchUids(client: ImapFlow, query: SearchObject): Promise<number[]> {
  const useEsearch = client.capabilities.has('ESEARCH')
  const result = useEsearch ? await client.search(query, { uid: true, returnOptions: ['ALL'] }) : await client.search(query, { uid: true })
  if (result === false || result === undefined) {
    throw new QuireError('INTERNAL', { message: 'The IMAP server refused to list the messages of the folder.' })
  }
  if (Array.isArray(result)) return [...result].sort((a, b) => a - b)
  return result.all ? expandSequenceSet(result.all) : []
}

import type { Signer } from './cms-signed-data'
import { signThenEncryptMime, type EncryptionRecipient } from './smime-mime'

/**
 * `npm run bench`: sign and encrypt one MIME entity (e.g. 10 MB) the way compose does, to set beside
 * `openssl cms -sign | openssl cms -encrypt` on the same input. Returns the output size so the
 * work cannot be optimised away.
 */
export function benchSignThenEncrypt(entity: Buffer, signer: Signer, recipients: EncryptionRecipient[]): number {
  return signThenEncryptMime(entity, signer, recipients).length
}

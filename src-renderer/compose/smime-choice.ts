import type { DirectoryCertificateOffer, IdentitySmime } from '../../src-main/common/domain/smime'
import type { DraftRow } from '../store/compose/compose-database'

export interface SmimeChoice {
  sign: boolean
  encrypt: boolean
}

/** The composer's Sign and Encrypt toggles: the user's choice for this draft, else the identity's defaults. */
export function smimeChoice(draft: Pick<DraftRow, 'sign' | 'encrypt'>, identity: IdentitySmime | undefined): SmimeChoice {
  return { sign: draft.sign ?? identity?.signByDefault ?? false, encrypt: draft.encrypt ?? identity?.encryptByDefault ?? false }
}

/** Every recipient (To, Cc, Bcc) once, as main encrypts to them. */
export function recipientAddresses(draft: Pick<DraftRow, 'to' | 'cc' | 'bcc'>): string[] {
  return [...new Set([...draft.to, ...draft.cc, ...draft.bcc].map((r) => r.email.trim().toLowerCase()))]
}

/** Why the message cannot go as chosen before main is even asked (the identity has no certificate for it); null when it can. */
export function smimeProblem(choice: SmimeChoice, identity: IdentitySmime | undefined): string | null {
  if (choice.sign && !identity?.signingCertificate) return 'There is no certificate to sign with. Import one in Settings → Security, or turn Sign off.'
  if (choice.encrypt && !identity?.encryptionCertificate) return 'There is no certificate of yours to encrypt with, so you could not read the Sent copy. Import one in Settings → Security, or turn Encrypt off.'
  return null
}

/** "carol@… has no certificate" / "carol@… and dave@… have no certificate" */
export function missingCertificateText(missing: readonly string[]): string {
  const names = missing.length <= 1 ? (missing[0] ?? '') : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`
  return `${names} ${missing.length === 1 ? 'has' : 'have'} no certificate to encrypt to. Send the message unencrypted, or cancel?`
}

/** The prompt's words when a directory offers certificates for some of the missing: trust them, send unencrypted, or cancel. */
export function missingWithOffersText(missing: readonly string[], offers: readonly DirectoryCertificateOffer[]): string {
  const offered = new Set(offers.map((offer) => offer.address))
  const others = missing.filter((address) => !offered.has(address))
  const trust = `Trust the directory’s certificate below to send encrypted${offered.size > 1 ? ' (each one)' : ''}.`
  return others.length > 0 ? `${trust} ${missingCertificateText(others)}` : `${trust} Or send the message unencrypted, or cancel.`
}

import type { SmimeOutcome, SmimeStatus } from '../common/domain/smime'
import { canSign, hasAddress, summarize, type Certificate } from './certificate'
import { evaluatePath, type TrustAnchors } from './certificate-path'
import { DecryptionFailedError, NoRecipientKeyError, openEnvelope, type RecipientKey } from './cms-enveloped-data'
import { checkSignature, matchesSid, parseSignedData, type ParsedSignedData } from './cms-signed-data'
import { oidOf, readDer, child } from './der'
import { toCrlf } from './mime-canonical'
import { contentTypeOf, fieldValue, joinMessage, multipartParts, parseEntity, transferEncodingOf, type HeaderField } from './mime-entity'
import { OID } from './oids'
import { SmimeFormatError, SmimeUnsupportedError } from './smime-errors'

/** What reading needs from the certificate store. */
export interface ReadContext {
  /** my private keys with their certificates, for decryption */
  keys: RecipientKey[]
  anchors: TrustAnchors
  /** certificates collected earlier (signers and intermediates) for messages that omit them */
  knownCertificates: readonly Certificate[]
  now?: Date
}

/** A verified signature, with what may be collected from it (RFC 8551 §2.5.2, §2.5.3). */
export interface VerifiedSigner {
  certificate: Certificate
  chain: Certificate[]
  capabilities: string[] | undefined
  encryptionCertificate: Certificate | undefined
}

export interface SmimeReadResult {
  status: SmimeStatus
  /** the message with its S/MIME layers removed (outer header fields, inner entity); null when it cannot be decrypted */
  message: Buffer | null
  /** set when the outcome is `valid`: the certificates to remember for this sender */
  verifiedSigner: VerifiedSigner | undefined
}

const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature'])
const MIME_TYPES = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime'])
const MAX_LAYERS = 5

/** Whether the message's top-level entity is S/MIME (RFC 8551 §3.2, §3.5). */
export function isSmime(message: Buffer): boolean {
  return layerKind(parseEntity(message)) !== undefined
}

function layerKind(entity: ReturnType<typeof parseEntity>): 'signed' | 'pkcs7' | undefined {
  const type = contentTypeOf(entity)
  if (type.type === 'multipart/signed' && SIGNATURE_TYPES.has((type.params.protocol ?? '').toLowerCase())) return 'signed'
  if (MIME_TYPES.has(type.type)) return 'pkcs7'
  // RFC 8551 §3.2.2: some agents send application/octet-stream with a .p7m name
  const name = type.params.name ?? /filename="?([^";]+)/i.exec(fieldValue(entity.fields, 'content-disposition') ?? '')?.[1] ?? ''
  if (type.type === 'application/octet-stream' && /\.p7m$/i.test(name)) return 'pkcs7'
  return undefined
}

/**
 * Unwraps every S/MIME layer of `message` — multipart/signed, opaque signed-data, enveloped-data,
 * authEnveloped-data — decrypting with my keys and verifying signatures against the trust anchors,
 * the signing time and the From address. Returns null when the message is not S/MIME.
 */
export function readSmime(message: Buffer, context: ReadContext): SmimeReadResult | null {
  const top = parseEntity(message)
  if (!layerKind(top)) return null
  const outer = top.fields.filter((f) => !f.name.startsWith('content-'))
  const from = fromAddress(outer)
  const now = context.now ?? new Date()

  let current = message
  let encrypted = false
  let encryptionAlgorithm: string | null = null
  let signature: SignatureOutcome | undefined
  for (let layer = 0; layer < MAX_LAYERS; layer++) {
    const entity = parseEntity(current)
    const kind = layerKind(entity)
    if (!kind) break
    let inner: Buffer
    try {
      if (kind === 'signed') {
        const type = contentTypeOf(entity)
        const { parts } = multipartParts(entity.body, type.params.boundary ?? '')
        const [content, signaturePart] = parts
        if (!content || !signaturePart) throw new SmimeFormatError('multipart/signed without two parts')
        inner = toCrlf(content)
        const signed = parseSignedData(readDer(decodeBody(parseEntity(signaturePart)), true))
        signature = worse(signature, verifySigned(signed, inner, from, context, now))
      } else {
        const contentInfo = readDer(decodeBody(entity), true)
        const type = oidOf(child(contentInfo, 0))
        if (type === OID.signedData) {
          const signed = parseSignedData(contentInfo)
          if (!signed.content) throw new SmimeFormatError('opaque signed-data without content')
          inner = signed.content
          signature = worse(signature, verifySigned(signed, inner, from, context, now))
        } else if (type === OID.envelopedData || type === OID.authEnvelopedData) {
          const opened = openEnvelope(contentInfo, context.keys)
          encrypted = true
          encryptionAlgorithm = opened.algorithm
          inner = opened.content
        } else {
          throw new SmimeUnsupportedError(`CMS content type ${type}`)
        }
      }
    } catch (error) {
      const opaqueSigned = (contentTypeOf(entity).params['smime-type'] ?? '').toLowerCase() === 'signed-data'
      return failure(error, { encrypted: encrypted || (kind === 'pkcs7' && !opaqueSigned), encryptionAlgorithm, from, signature, current })
    }
    current = joinMessage(outer, toCrlf(inner))
  }

  if (!signature) {
    return { status: statusOf('encrypted', `Encrypted with ${encryptionAlgorithm}. The message is not signed.`, { encrypted, encryptionAlgorithm, from }), message: current, verifiedSigner: undefined }
  }
  return {
    status: statusOf(signature.outcome, signature.detail, { encrypted, encryptionAlgorithm, from, signature }),
    message: current,
    verifiedSigner: signature.outcome === 'valid' ? signature.verified : undefined,
  }
}

interface SignatureOutcome {
  outcome: SmimeOutcome
  detail: string
  signer: Certificate | undefined
  chain: Certificate[]
  signingTime: Date | undefined
  verified: VerifiedSigner | undefined
}

const SEVERITY: SmimeOutcome[] = ['invalid', 'untrusted', 'expired', 'address-mismatch', 'valid']

function worse(a: SignatureOutcome | undefined, b: SignatureOutcome): SignatureOutcome {
  if (!a) return b
  return SEVERITY.indexOf(b.outcome) < SEVERITY.indexOf(a.outcome) ? b : a
}

/** RFC 8551 §2.4.4 and RFC 8550 §3–§4: one outcome for the first signer that verifies best. */
function verifySigned(signed: ParsedSignedData, content: Buffer, from: string | null, context: ReadContext, now: Date): SignatureOutcome {
  let best: SignatureOutcome | undefined
  const pool = [...signed.certificates, ...context.knownCertificates]
  for (const signer of signed.signers) {
    const certificate = pool.find((c) => matchesSid(c, signer.sid))
    if (!certificate) {
      best = better(best, { outcome: 'untrusted', detail: 'The signer’s certificate is neither in the message nor known to Quire, so the signature cannot be checked.', signer: undefined, chain: [], signingTime: undefined, verified: undefined })
      continue
    }
    const check = checkSignature(signer, signed.contentType, content, certificate, signed.certificates)
    const base = { signer: certificate, chain: [certificate], signingTime: check.signingTime, verified: undefined }
    if (!check.intact) {
      best = better(best, { ...base, outcome: 'invalid', detail: `The message was changed after it was signed: ${check.reason}.` })
      continue
    }
    // RFC 8550 §4.2: validity at signing time; a claimed time in the future is not believed
    const at = check.signingTime && check.signingTime.getTime() <= now.getTime() + 24 * 3600_000 ? check.signingTime : now
    const path = evaluatePath(certificate, pool, context.anchors, at)
    const withPath = { ...base, chain: path.chain }
    if (path.status === 'untrusted') {
      best = better(best, { ...withPath, outcome: 'untrusted', detail: `The signature matches, but ${path.reason}.` })
    } else if (path.status !== 'valid') {
      best = better(best, { ...withPath, outcome: 'expired', detail: `The signature matches, but ${path.reason} (signed ${at.toISOString().slice(0, 10)}).` })
    } else if (!canSign(certificate)) {
      best = better(best, { ...withPath, outcome: 'untrusted', detail: 'The signature matches, but the certificate is not meant for signing email.' })
    } else if (!from || !hasAddress(certificate, from)) {
      const names = certificate.emails.join(', ') || 'no address'
      best = better(best, { ...withPath, outcome: 'address-mismatch', detail: `The signature is valid, but the certificate is for ${names}, not ${from ?? 'the sender'}.` })
    } else {
      const verified = { certificate, chain: path.chain.slice(1), capabilities: check.capabilities, encryptionCertificate: check.encryptionCertificate }
      best = better(best, { ...withPath, outcome: 'valid', detail: `Signed by ${from}; ${path.reason}.`, verified })
    }
  }
  return best ?? { outcome: 'invalid', detail: 'The signature has no signer.', signer: undefined, chain: [], signingTime: undefined, verified: undefined }
}

function better(a: SignatureOutcome | undefined, b: SignatureOutcome): SignatureOutcome {
  if (!a) return b
  return SEVERITY.indexOf(b.outcome) > SEVERITY.indexOf(a.outcome) ? b : a
}

function decodeBody(entity: ReturnType<typeof parseEntity>): Buffer {
  const encoding = transferEncodingOf(entity)
  if (encoding === 'base64') return Buffer.from(entity.body.toString('latin1'), 'base64')
  if (encoding === '7bit' || encoding === '8bit' || encoding === 'binary') return entity.body
  throw new SmimeFormatError(`S/MIME body in ${encoding}`)
}

/** The address in From (RFC 5322 §3.6.2), lower-case; the first when there are several. */
function fromAddress(fields: HeaderField[]): string | null {
  const value = fieldValue(fields, 'from')
  if (!value) return null
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value)
  const bare = /([^\s<>",;:]+@[^\s<>",;:]+)/.exec(value)
  return (angle?.[1] ?? bare?.[1] ?? '').toLowerCase() || null
}

function statusOf(
  outcome: SmimeOutcome,
  detail: string,
  facts: { encrypted: boolean; encryptionAlgorithm: string | null; from: string | null; signature?: SignatureOutcome | undefined },
): SmimeStatus {
  return {
    outcome,
    detail,
    signed: facts.signature !== undefined,
    encrypted: facts.encrypted,
    encryptionAlgorithm: facts.encryptionAlgorithm,
    signer: facts.signature?.signer ? summarize(facts.signature.signer) : null,
    chain: (facts.signature?.chain ?? []).map(summarize),
    signingTime: facts.signature?.signingTime?.toISOString() ?? null,
    from: facts.from,
  }
}

function failure(
  error: unknown,
  facts: { encrypted: boolean; encryptionAlgorithm: string | null; from: string | null; signature: SignatureOutcome | undefined; current: Buffer },
): SmimeReadResult {
  if (error instanceof NoRecipientKeyError || error instanceof DecryptionFailedError) {
    const detail = error instanceof NoRecipientKeyError ? 'This message is encrypted, and none of your certificates can open it. Import the certificate (.p12) it was encrypted to.' : `The message could not be decrypted: ${error.message}.`
    return { status: statusOf('cannot-decrypt', detail, { ...facts, encrypted: true }), message: null, verifiedSigner: undefined }
  }
  if (error instanceof SmimeUnsupportedError) {
    const outcome = facts.encrypted ? 'cannot-decrypt' : 'invalid'
    return { status: statusOf(outcome, `This message uses ${error.algorithm}, which Quire does not support.`, facts), message: facts.encrypted ? null : facts.current, verifiedSigner: undefined }
  }
  if (error instanceof SmimeFormatError) {
    const outcome = facts.encrypted ? 'cannot-decrypt' : 'invalid'
    return { status: statusOf(outcome, `The S/MIME structure is damaged (${error.message}).`, facts), message: facts.encrypted ? null : facts.current, verifiedSigner: undefined }
  }
  throw error
}

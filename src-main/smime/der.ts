import { SmimeFormatError } from './smime-errors'

/**
 * ASN.1 as CMS, PKCS#12 and X.509 use it (X.690): a reader for BER — what OpenSSL's
 * streaming output is (indefinite lengths, OCTET STRINGs in chunks) — and a writer for DER.
 *
 * Our own rather than asn1js: asn1js 4 stops at a default node limit that a 10 MB message
 * streamed in 1 KB chunks exceeds, and spends ~0.4 s on one; this reader makes views, not copies.
 */

/** Universal tags (X.690 §8) as identifier octets. */
export const Tag = {
  Boolean: 0x01,
  Integer: 0x02,
  BitString: 0x03,
  OctetString: 0x04,
  Null: 0x05,
  Oid: 0x06,
  Utf8String: 0x0c,
  PrintableString: 0x13,
  Ia5String: 0x16,
  UtcTime: 0x17,
  GeneralizedTime: 0x18,
  Sequence: 0x30,
  Set: 0x31,
} as const

/** One TLV: `tag` is the identifier octet (class, constructed bit and number below 31). */
export interface Node {
  tag: number
  constructed: boolean
  /** the whole encoding, identifier to end of contents (end-of-contents octets included) */
  raw: Buffer
  /** the contents octets (for indefinite lengths: without the end-of-contents octets) */
  contents: Buffer
  /** for constructed nodes: the nodes inside */
  children: Node[]
}

const MAX_DEPTH = 64

/** Reads exactly one TLV from `data` (trailing bytes are an error unless `allowTrailing`). */
export function readDer(data: Buffer, allowTrailing = false): Node {
  const [node, end] = readNode(data, 0, 0)
  if (!allowTrailing && end !== data.length) throw new SmimeFormatError('trailing bytes after the ASN.1 structure')
  return node
}

function readNode(data: Buffer, offset: number, depth: number): [Node, number] {
  if (depth > MAX_DEPTH) throw new SmimeFormatError('ASN.1 nested too deeply')
  const start = offset
  const first = byteAt(data, offset++)
  if ((first & 0x1f) === 0x1f) throw new SmimeFormatError('ASN.1 tag numbers above 30 are not used here')
  const constructed = (first & 0x20) !== 0
  const lengthByte = byteAt(data, offset++)
  if (lengthByte === 0x80) {
    if (!constructed) throw new SmimeFormatError('indefinite length on a primitive ASN.1 value')
    const children: Node[] = []
    const contentStart = offset
    for (;;) {
      if (byteAt(data, offset) === 0 && byteAt(data, offset + 1) === 0) {
        const contents = data.subarray(contentStart, offset)
        offset += 2
        return [{ tag: first, constructed, raw: data.subarray(start, offset), contents, children }, offset]
      }
      const [child, next] = readNode(data, offset, depth + 1)
      children.push(child)
      offset = next
    }
  }
  let length = lengthByte
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f
    if (count > 6) throw new SmimeFormatError('ASN.1 length too large')
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + byteAt(data, offset++)
  }
  const end = offset + length
  if (end > data.length) throw new SmimeFormatError('ASN.1 value runs past the end of the data')
  const contents = data.subarray(offset, end)
  const children: Node[] = []
  if (constructed) {
    let at = offset
    while (at < end) {
      const [child, next] = readNode(data, at, depth + 1)
      if (next > end) throw new SmimeFormatError('ASN.1 value runs past its parent')
      children.push(child)
      at = next
    }
  }
  return [{ tag: first, constructed, raw: data.subarray(start, end), contents, children }, end]
}

function byteAt(data: Buffer, offset: number): number {
  const byte = data[offset]
  if (byte === undefined) throw new SmimeFormatError('ASN.1 data ends early')
  return byte
}

/** The child at `index`, which must exist (and have `tag` when given). */
export function child(node: Node, index: number, tag?: number): Node {
  const found = node.children[index]
  if (!found) throw new SmimeFormatError(`ASN.1 element ${index} is missing`)
  if (tag !== undefined && found.tag !== tag) throw new SmimeFormatError(`ASN.1 element ${index} has tag ${found.tag.toString(16)}, not ${tag.toString(16)}`)
  return found
}

/** The first child with `tag`, if any (for OPTIONAL and context-tagged fields). */
export function findChild(node: Node, tag: number): Node | undefined {
  return node.children.find((c) => c.tag === tag)
}

/** Context-specific tag `n` (X.690 §8.1.2), constructed unless said otherwise. */
export function contextTag(n: number, constructed = true): number {
  return 0x80 | (constructed ? 0x20 : 0) | n
}

/** An OCTET STRING's bytes, joining the chunks of a constructed (BER) one. */
export function octets(node: Node): Buffer {
  if (!node.constructed) return node.contents
  return Buffer.concat(node.children.map(octets))
}

export function oidOf(node: Node): string {
  if (node.tag !== Tag.Oid) throw new SmimeFormatError('expected an OBJECT IDENTIFIER')
  const bytes = node.contents
  const parts: number[] = []
  let value = 0
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f)
    if (!(byte & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80)
      else parts.push(value)
      value = 0
    }
  }
  return parts.join('.')
}

/** A small non-negative INTEGER (versions, iteration counts, tag lengths). */
export function smallIntOf(node: Node): number {
  if (node.tag !== Tag.Integer) throw new SmimeFormatError('expected an INTEGER')
  if (node.contents.length > 6) throw new SmimeFormatError('INTEGER too large')
  return node.contents.length === 0 ? 0 : node.contents.readIntBE(0, node.contents.length)
}

/** UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5) as a Date. */
export function timeOf(node: Node): Date {
  const text = node.contents.toString('latin1')
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?(Z|[+-]\d{4})$/.exec(text)
  if (!match || (node.tag !== Tag.UtcTime && node.tag !== Tag.GeneralizedTime)) throw new SmimeFormatError('unreadable time')
  const [, y, mo, d, h, mi, s = '00', zone] = match as unknown as string[]
  let year = Number(y)
  if (y!.length === 2) year += year >= 50 ? 1900 : 2000
  const utc = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  const offset = zone === 'Z' ? 0 : (zone!.startsWith('-') ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(3, 5)))
  return new Date(utc - offset * 60_000)
}

// ---- writer (DER) ----

function lengthOctets(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const bytes: number[] = []
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** A TLV with these contents. */
export function tlv(tag: number, ...contents: Uint8Array[]): Buffer {
  const length = contents.reduce((sum, c) => sum + c.length, 0)
  return Buffer.concat([Buffer.from([tag]), lengthOctets(length), ...contents])
}

export const sequence = (...items: Uint8Array[]): Buffer => tlv(Tag.Sequence, ...items)

/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6). */
export function setOf(...items: Buffer[]): Buffer {
  return tlv(Tag.Set, ...[...items].sort(Buffer.compare))
}

export const octetString = (bytes: Uint8Array): Buffer => tlv(Tag.OctetString, bytes)
export const nullValue = (): Buffer => Buffer.from([Tag.Null, 0])
export const explicit = (n: number, ...items: Uint8Array[]): Buffer => tlv(contextTag(n), ...items)

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const [a = 0, b = 0, ...rest] = parts
  const bytes: number[] = []
  for (const value of [a * 40 + b, ...rest]) {
    const groups: number[] = [value & 0x7f]
    for (let n = Math.floor(value / 128); n > 0; n = Math.floor(n / 128)) groups.unshift((n & 0x7f) | 0x80)
    bytes.push(...groups)
  }
  return tlv(Tag.Oid, Buffer.from(bytes))
}

export function integer(value: number): Buffer {
  const bytes: number[] = []
  let n = value
  do {
    bytes.unshift(n & 0xff)
    n = Math.floor(n / 256)
  } while (n > 0)
  if ((bytes[0] as number) & 0x80) bytes.unshift(0)
  return tlv(Tag.Integer, Buffer.from(bytes))
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5), seconds precision, Zulu. */
export function time(date: Date): Buffer {
  const iso = date.toISOString()
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '')
  const year = date.getUTCFullYear()
  if (year >= 1950 && year < 2050) return tlv(Tag.UtcTime, Buffer.from(`${digits.slice(2)}Z`, 'latin1'))
  return tlv(Tag.GeneralizedTime, Buffer.from(`${digits}Z`, 'latin1'))
}

/** AlgorithmIdentifier (RFC 5280 §4.1.1.2); parameters omitted unless given. */
export function algorithm(id: string, parameters?: Buffer): Buffer {
  return parameters ? sequence(oid(id), parameters) : sequence(oid(id))
}

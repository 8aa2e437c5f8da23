import { TextDecoder } from 'node:util'

/**
 * Decodes the start of a body part fetched with a partial BODY.PEEK[part]<0.n> (RFC 3501 §6.4.5):
 * the cut can fall inside a base64 quantum, a quoted-printable escape or a multi-byte character,
 * and each of those is dropped rather than turned into garbage.
 */

/** RFC 2045 §6: base64, quoted-printable, or an identity encoding (7bit, 8bit, binary). */
export function decodeTransferEncoding(raw: Buffer, encoding: string): Buffer {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return decodeBase64Prefix(raw)
    case 'quoted-printable':
      return decodeQuotedPrintablePrefix(raw)
    default:
      return raw
  }
}

function decodeBase64Prefix(raw: Buffer): Buffer {
  const text = raw.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, '')
  const whole = text.slice(0, text.length - (text.length % 4))
  return Buffer.from(whole, 'base64')
}

/** RFC 2045 §6.7: "=XX" is one octet, "=" at a line end is a soft line break. */
function decodeQuotedPrintablePrefix(raw: Buffer): Buffer {
  const out = Buffer.allocUnsafe(raw.length)
  let length = 0
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] as number
    if (byte !== 0x3d /* = */) {
      out[length++] = byte
      continue
    }
    const first = raw[i + 1]
    const second = raw[i + 2]
    if (first === undefined) break // the fetch cut the escape in half
    if (first === 0x0d && second === 0x0a) {
      i += 2
    } else if (first === 0x0a) {
      i += 1
    } else if (second === undefined) {
      break
    } else {
      const high = hexValue(first)
      const low = hexValue(second)
      if (high >= 0 && low >= 0) {
        out[length++] = high * 16 + low
        i += 2
      } else {
        out[length++] = byte // a stray "=" the sender did not escape; keep it, as most readers do
      }
    }
  }
  return out.subarray(0, length)
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  const lower = code | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1
}

const decoders = new Map<string, TextDecoder>()

/** The text of `bytes` in `charset`; unknown charsets are read as UTF-8, a character cut at the end is dropped. */
export function decodeCharset(bytes: Buffer, charset: string): string {
  const label = charset.trim().toLowerCase() || 'utf-8'
  let decoder = decoders.get(label)
  if (!decoder) {
    try {
      decoder = new TextDecoder(label)
    } catch {
      decoder = decoders.get('utf-8') ?? new TextDecoder('utf-8')
    }
    decoders.set(label, decoder)
  }
  return decoder.decode(bytes).replace(/\uFFFD+$/, '')
}

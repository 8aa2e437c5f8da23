import { isAscii } from 'node:buffer'
import { base64Lines, contentTypeOf, multipartParts, parseEntity, transferEncodingOf, type Entity } from './mime-entity'

/**
 * RFC 8551 §3.1.1 canonical form, and RFC 8551 §3.1.3 / RFC 1847 §2.1 transfer safety for
 * what gets signed: CRLF line endings, and every part 7-bit with lines of at most 998 octets
 * and no trailing white space — anything else may be changed by a server on the way, which
 * would break the signature. Parts that are not already safe are re-encoded: text as
 * quoted-printable, the rest as base64. An entity that is already safe comes back as it is.
 */
export function canonicaliseEntity(entity: Buffer): Buffer {
  if (isTransportSafe(entity)) return entity
  return Buffer.concat(rewrite(parseEntity(entity)))
}

/** CRLF only, 7-bit, no NUL, lines ≤ 998, no space or tab before a line break. */
export function isTransportSafe(data: Buffer): boolean {
  // native scans (SIMD isAscii, indexOf) rather than a JS loop over every byte: 10 MB in a few ms
  if (!isAscii(data) || data.indexOf(0) >= 0) return false
  let lineStart = 0
  for (let lf = data.indexOf(0x0a); lf >= 0; lf = data.indexOf(0x0a, lf + 1)) {
    const cr = lf - 1
    if (data[cr] !== 0x0d || cr - lineStart > 998) return false
    const before = data[cr - 1]
    if (cr > lineStart && (before === 0x20 || before === 0x09)) return false
    lineStart = lf + 1
  }
  if (data.length - lineStart > 998) return false
  for (let cr = data.indexOf(0x0d); cr >= 0; cr = data.indexOf(0x0d, cr + 1)) if (data[cr + 1] !== 0x0a) return false
  return true
}

const CRLF = Buffer.from('\r\n')

function rewrite(entity: Entity): Buffer[] {
  const type = contentTypeOf(entity)
  const encoding = transferEncodingOf(entity)
  const headerWith = (transferEncoding: string | undefined) => {
    const fields = entity.fields.filter((f) => f.name !== 'content-transfer-encoding').map((f) => toCrlf(f.raw))
    if (transferEncoding) fields.push(Buffer.from(`Content-Transfer-Encoding: ${transferEncoding}\r\n`))
    return [...fields, CRLF]
  }

  if (type.type.startsWith('multipart/') && type.params.boundary) {
    const boundary = type.params.boundary
    const { preamble, parts, epilogue } = multipartParts(entity.body, boundary)
    const out = headerWith(undefined)
    // preamble and epilogue are not shown to anyone; drop them rather than let 8-bit bytes through
    if (preamble.length > 0 && isTransportSafe(preamble)) out.push(preamble, CRLF)
    for (const part of parts) out.push(Buffer.from(`--${boundary}\r\n`), ...rewrite(parseEntity(part)), CRLF)
    out.push(Buffer.from(`--${boundary}--\r\n`))
    if (epilogue.length > 0 && isTransportSafe(epilogue)) out.push(epilogue)
    return out
  }
  if (type.type === 'message/rfc822' || type.type === 'message/global') {
    // RFC 2046 §5.2.1: an encapsulated message is never base64'd; make what is inside safe instead
    return [...headerWith(undefined), ...rewrite(parseEntity(entity.body))]
  }
  if (encoding === 'base64' || encoding === 'quoted-printable') {
    const body = toCrlf(entity.body)
    return [...headerWith(encoding), trimTrailingWhitespace(body)]
  }
  const body = type.type.startsWith('text/') ? toCrlf(entity.body) : entity.body
  if (isTransportSafe(body)) return [...headerWith(encoding === '7bit' ? undefined : '7bit'), body]
  if (type.type.startsWith('text/')) return [...headerWith('quoted-printable'), quotedPrintable(body)]
  return [...headerWith('base64'), base64Lines(entity.body)]
}

/** Bare LF or CR become CRLF. */
export function toCrlf(data: Buffer): Buffer {
  let bare = false
  for (let lf = data.indexOf(0x0a); lf >= 0 && !bare; lf = data.indexOf(0x0a, lf + 1)) bare = data[lf - 1] !== 0x0d
  for (let cr = data.indexOf(0x0d); cr >= 0 && !bare; cr = data.indexOf(0x0d, cr + 1)) bare = data[cr + 1] !== 0x0a
  if (!bare) return data
  return Buffer.from(data.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1')
}

/** Base64 and quoted-printable text never needs white space at a line end; servers may strip it. */
function trimTrailingWhitespace(data: Buffer): Buffer {
  return isTransportSafe(data) ? data : Buffer.from(data.toString('latin1').replace(/[ \t]+\r\n/g, '\r\n'), 'latin1')
}

/**
 * RFC 2045 §6.7 quoted-printable of CRLF text: line breaks stay hard breaks, lines are cut
 * at 76 with soft breaks, white space before a break and a leading "From " (mbox) are escaped.
 */
export function quotedPrintable(text: Buffer): Buffer {
  const hex = '0123456789ABCDEF'
  const out: string[] = []
  let line = ''
  const push = (token: string) => {
    if (line.length + token.length > 75) {
      out.push(`${line}=\r\n`)
      line = ''
    }
    line += token
  }
  const lines = text.toString('latin1').split('\r\n')
  lines.forEach((source, index) => {
    for (let i = 0; i < source.length; i++) {
      const code = source.charCodeAt(i)
      const last = i === source.length - 1
      const literal = (code >= 33 && code <= 126 && code !== 61) || ((code === 32 || code === 9) && !last)
      if (i === 0 && source.startsWith('From ')) push('=46')
      else push(literal ? source[i]! : `=${hex[code >> 4]}${hex[code & 15]}`)
    }
    out.push(line)
    line = ''
    if (index < lines.length - 1) out.push('\r\n')
  })
  return Buffer.from(out.join(''), 'latin1')
}

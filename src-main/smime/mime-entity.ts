/**
 * Just enough MIME (RFC 2045, 2046, 5322) to wrap and unwrap S/MIME layers byte-exactly:
 * header blocks, Content-Type parameters, multipart bodies. The full parse of what is inside
 * stays with the reader's MIME parser.
 */

export interface HeaderField {
  /** lower-case */
  name: string
  /** unfolded, trimmed */
  value: string
  /** as written, folding and line ending included */
  raw: Buffer
}

export interface Entity {
  fields: HeaderField[]
  body: Buffer
}

const CRLF = Buffer.from('\r\n')

/** Header block and body, split at the first empty line (RFC 5322 §2.1); bare LF endings tolerated. */
export function parseEntity(data: Buffer): Entity {
  let headerEnd: number
  let bodyStart: number
  if (data[0] === 0x0d && data[1] === 0x0a) {
    headerEnd = 0
    bodyStart = 2
  } else if (data[0] === 0x0a) {
    headerEnd = 0
    bodyStart = 1
  } else {
    const crlf = data.indexOf('\r\n\r\n')
    const lf = data.indexOf('\n\n')
    if (crlf >= 0 && (lf < 0 || crlf < lf)) {
      headerEnd = crlf + 2
      bodyStart = crlf + 4
    } else if (lf >= 0) {
      headerEnd = lf + 1
      bodyStart = lf + 2
    } else {
      headerEnd = data.length
      bodyStart = data.length
    }
  }
  return { fields: parseFields(data.subarray(0, headerEnd)), body: data.subarray(bodyStart) }
}

function parseFields(block: Buffer): HeaderField[] {
  const fields: HeaderField[] = []
  let start = 0
  while (start < block.length) {
    let end = start
    // a field runs until a line that does not begin with white space (folding, RFC 5322 §2.2.3)
    for (;;) {
      const newline = block.indexOf(0x0a, end)
      if (newline < 0) {
        end = block.length
        break
      }
      end = newline + 1
      const next = block[end]
      if (next !== 0x20 && next !== 0x09) break
    }
    const raw = block.subarray(start, end)
    const text = raw.toString('latin1')
    const colon = text.indexOf(':')
    if (colon > 0) fields.push({ name: text.slice(0, colon).trim().toLowerCase(), value: text.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').trim(), raw })
    start = end
  }
  return fields
}

export function fieldValue(fields: HeaderField[], name: string): string | undefined {
  return fields.find((f) => f.name === name)?.value
}

export interface ContentType {
  /** lower-case type/subtype; text/plain when absent (RFC 2045 §5.2) */
  type: string
  /** parameter names lower-case, values unquoted */
  params: Record<string, string>
}

export function parseContentType(value: string | undefined): ContentType {
  if (!value) return { type: 'text/plain', params: { charset: 'us-ascii' } }
  const semicolon = value.indexOf(';')
  const type = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase()
  const params: Record<string, string> = {}
  const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/g
  for (const match of value.slice(Math.max(semicolon, 0)).matchAll(pattern)) {
    params[(match[1] ?? '').toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '')
  }
  return { type, params }
}

export function contentTypeOf(entity: Entity): ContentType {
  return parseContentType(fieldValue(entity.fields, 'content-type'))
}

export function transferEncodingOf(entity: Entity): string {
  return (fieldValue(entity.fields, 'content-transfer-encoding') ?? '7bit').toLowerCase()
}

/** The parts of a multipart body (RFC 2046 §5.1.1): the bytes between delimiter lines, exactly. */
export function multipartParts(body: Buffer, boundary: string): { preamble: Buffer; parts: Buffer[]; epilogue: Buffer } {
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: Buffer[] = []
  let preamble: Buffer = Buffer.alloc(0)
  let partStart = -1
  let at = 0
  for (;;) {
    const found = body.indexOf(delimiter, at)
    if (found < 0) break
    at = found + delimiter.length
    // a delimiter begins a line
    if (found !== 0 && body[found - 1] !== 0x0a) continue
    // the CRLF before the delimiter belongs to it
    const lineStart = found === 0 ? 0 : body[found - 2] === 0x0d ? found - 2 : found - 1
    const closing = body[at] === 0x2d && body[at + 1] === 0x2d
    if (partStart < 0) preamble = body.subarray(0, lineStart)
    else parts.push(body.subarray(partStart, lineStart))
    const lineEnd = body.indexOf(0x0a, at)
    if (closing) return { preamble, parts, epilogue: lineEnd < 0 ? Buffer.alloc(0) : body.subarray(lineEnd + 1) }
    if (lineEnd < 0) break
    partStart = lineEnd + 1
  }
  if (partStart >= 0) parts.push(body.subarray(partStart))
  return { preamble, parts, epilogue: Buffer.alloc(0) }
}

/** Header fields that describe the content (RFC 2045 §9: Content-*), which travel with a MIME entity. */
export function isContentField(name: string): boolean {
  return name.startsWith('content-')
}

/**
 * A whole message as outer header fields (From, To, Subject …) and the MIME entity that
 * S/MIME protects (its Content-* fields and body). MIME-Version stays outside.
 */
export function splitMessage(message: Buffer): { outer: HeaderField[]; entity: Buffer } {
  const parsed = parseEntity(message)
  const outer = parsed.fields.filter((f) => !isContentField(f.name))
  const content = parsed.fields.filter((f) => isContentField(f.name))
  return { outer, entity: Buffer.concat([...content.map((f) => withCrlf(f.raw)), CRLF, parsed.body]) }
}

/** Outer header fields and an entity, joined back into a message; `mimeVersion` adds the field when missing. */
export function joinMessage(outer: HeaderField[], entity: Buffer): Buffer {
  const fields = outer.some((f) => f.name === 'mime-version') ? outer : [...outer, { name: 'mime-version', value: '1.0', raw: Buffer.from('MIME-Version: 1.0\r\n') }]
  return Buffer.concat([...fields.map((f) => withCrlf(f.raw)), entity])
}

function withCrlf(raw: Buffer): Buffer {
  if (raw.length >= 2 && raw[raw.length - 2] === 0x0d && raw[raw.length - 1] === 0x0a) return raw
  const text = raw.toString('latin1').replace(/\r?\n/g, '\r\n')
  return Buffer.from(text.endsWith('\r\n') ? text : `${text}\r\n`, 'latin1')
}

/** Base64 in lines of 76 (RFC 2045 §6.8), CRLF-terminated. */
export function base64Lines(data: Buffer): Buffer {
  const encoded = Buffer.from(data.toString('base64'), 'latin1')
  const lines = Math.ceil(encoded.length / 76)
  const out = Buffer.allocUnsafe(encoded.length + lines * 2)
  let o = 0
  for (let i = 0; i < encoded.length; i += 76) {
    o += encoded.copy(out, o, i, Math.min(i + 76, encoded.length))
    out[o++] = 0x0d
    out[o++] = 0x0a
  }
  return out.subarray(0, o)
}

/** A boundary that cannot occur in base64 or quoted-printable text (RFC 2046 §5.1.1). */
export function newBoundary(random: Buffer): string {
  return `----=_smime_${random.toString('hex')}`
}

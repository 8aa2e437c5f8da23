/**
 * vCard content lines (RFC 6350 §3.2, RFC 2426 §2.6) as they appear in the text: Quire keeps
 * every line it did not change exactly as the server or the file had it, so only the lines a
 * user edited are ever rewritten.
 */
export interface ContentLine {
  /** the logical line: folds removed, otherwise untouched */
  text: string
  /** as it appeared, folds included (CRLF line ends), so it can be written back byte for byte */
  source: string
  /** RFC 6350 §3.3 group, e.g. `item1` of `item1.EMAIL` (case kept) */
  group: string | null
  /** property name in upper case, without the group */
  name: string
}

const NAME = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)/

/** One physical-line-per-element view of any text, whatever its line ends. */
export function physicalLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n')
}

/**
 * The content lines of one vCard, BEGIN/END excluded. A line beginning with a space or tab
 * continues the one before it (RFC 6350 §3.2). Blank lines are dropped.
 */
export function contentLines(cardText: string): ContentLine[] {
  const lines: ContentLine[] = []
  for (const physical of physicalLines(cardText)) {
    const last = lines.at(-1)
    if ((physical.startsWith(' ') || physical.startsWith('\t')) && last) {
      last.text += physical.slice(1)
      last.source += `\r\n${physical}`
      continue
    }
    if (physical.trim() === '') continue
    const match = NAME.exec(physical)
    lines.push({ text: physical, source: physical, group: match?.[1] ?? null, name: (match?.[2] ?? '').toUpperCase() })
  }
  return lines.filter((line) => !(['BEGIN', 'END'].includes(line.name) && /^(?:[^:]*):\s*vcard\s*$/i.test(line.text)))
}

/** Where the value starts: after the first colon that is not inside a quoted parameter value. */
export function valueStart(text: string): number {
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') quoted = !quoted
    else if (c === ':' && !quoted) return i + 1
  }
  return -1
}

/** The raw value text of a line (escapes not undone). */
export function rawValue(text: string): string {
  const start = valueStart(text)
  return start < 0 ? '' : text.slice(start)
}

/** Parameters as written: name (upper case) → values, split on unquoted commas; a bare token (vCard 2.1) becomes TYPE. */
export function rawParameters(text: string): Map<string, string[]> {
  const start = valueStart(text)
  const head = start < 0 ? text : text.slice(0, start - 1)
  const params = new Map<string, string[]>()
  const parts = splitUnquoted(head, ';').slice(1)
  for (const part of parts) {
    const eq = part.indexOf('=')
    const name = (eq < 0 ? 'TYPE' : part.slice(0, eq)).trim().toUpperCase()
    const value = eq < 0 ? part : part.slice(eq + 1)
    const values = splitUnquoted(value, ',').map((v) => v.trim().replace(/^"(.*)"$/s, '$1'))
    params.set(name, [...(params.get(name) ?? []), ...values.filter((v) => v !== '')])
  }
  return params
}

function splitUnquoted(text: string, separator: string): string[] {
  const parts: string[] = []
  let quoted = false
  let current = ''
  for (const c of text) {
    if (c === '"') quoted = !quoted
    if (c === separator && !quoted) {
      parts.push(current)
      current = ''
    } else current += c
  }
  parts.push(current)
  return parts
}

/** Splits a value on `separator` where it is not escaped with a backslash (structured and list values). */
export function splitEscaped(value: string, separator: ';' | ','): string[] {
  const parts: string[] = []
  let current = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1]
      i++
    } else if (c === separator) {
      parts.push(current)
      current = ''
    } else current += c
  }
  parts.push(current)
  return parts
}

/** RFC 6350 §3.4: undo `\\`, `\n`, `\,`, `\;`. */
export function unescapeText(value: string): string {
  return value.replace(/\\([\\nN,;:])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c))
}

/**
 * Text value escapes: backslash, newline and comma always; the semicolon in vCard 3 text
 * (RFC 2426 §4) and in any part of a structured value (RFC 6350 §3.4), but not in vCard 4
 * single text, where `\\;` is not an escape and readers would keep the backslash.
 */
export function escapeText(value: string, semicolon = true): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/\r\n|\r|\n/g, '\\n').replace(/,/g, '\\,')
  return semicolon ? escaped.replace(/;/g, '\\;') : escaped
}

/** A parameter value, quoted when it holds a character that would end it (RFC 6350 §5). */
export function parameterValue(value: string): string {
  const clean = value.replace(/"/g, "'")
  return /[;:,]/.test(clean) ? `"${clean}"` : clean
}

/**
 * RFC 6350 §3.2: lines longer than 75 octets are folded with CRLF + space, never inside a
 * UTF-8 sequence.
 */
export function fold(line: string): string {
  const encoder = new TextEncoder()
  if (encoder.encode(line).length <= 75) return line
  const out: string[] = []
  let current = ''
  let bytes = 0
  let limit = 75
  for (const char of line) {
    const size = encoder.encode(char).length
    if (bytes + size > limit) {
      out.push(current)
      current = ''
      bytes = 0
      limit = 74 // the leading space counts
    }
    current += char
    bytes += size
  }
  out.push(current)
  return out.join('\r\n ')
}

/** A content line to add: name (with group), parameters and the value already escaped as needed. */
export function formatLine(name: string, group: string | null, params: [string, string[]][], value: string): string {
  const head = (group ? `${group}.` : '') + name
  const parameters = params
    .filter(([, values]) => values.length > 0)
    .map(([key, values]) => `;${key}=${values.map(parameterValue).join(',')}`)
    .join('')
  return fold(`${head}${parameters}:${value}`)
}

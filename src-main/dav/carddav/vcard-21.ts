import { escapeText, fold, parameterValue, physicalLines } from './vcard-lines'

/** Properties whose 2.1 value is structured with `;` (the parts keep their separators in 3.0). */
const STRUCTURED = new Set(['N', 'ADR', 'ORG'])
/** Properties whose 2.1 value is free text (its commas and newlines need escaping in 3.0). */
const TEXT = new Set(['FN', 'TITLE', 'ROLE', 'NOTE', 'LABEL', 'NICKNAME', 'X-PHONETIC-FIRST-NAME', 'X-PHONETIC-MIDDLE-NAME', 'X-PHONETIC-LAST-NAME'])

interface Line21 {
  name: string
  params: { name: string; value: string }[]
  value: string
}

/**
 * Converts a vCard 2.1 (the versit format older phones and Outlook export) to 3.0 so the
 * vCard 3 reader takes it: bare parameters (`TEL;HOME;VOICE`) become TYPE=, quoted-printable
 * values are decoded in their CHARSET, BASE64 becomes `ENCODING=b`, and AGENT (a nested
 * card) is left out.
 */
export function convertVCard21(cardText: string): string {
  const out: string[] = ['VERSION:3.0']
  for (const line of logicalLines(cardText)) {
    if (line.name === 'VERSION' || line.name === 'BEGIN' || line.name === 'END' || line.name === 'AGENT') continue
    out.push(fold(toLine30(line)))
  }
  return `BEGIN:VCARD\r\n${out.join('\r\n')}\r\nEND:VCARD\r\n`
}

/** Joins quoted-printable soft line breaks (`=` at the end) and whitespace folds; skips a nested AGENT card. */
function logicalLines(cardText: string): Line21[] {
  const physical = physicalLines(cardText)
  const lines: Line21[] = []
  let depth = 0
  for (let i = 0; i < physical.length; i++) {
    let text = physical[i]!
    if (!text.trim()) continue
    if ((text.startsWith(' ') || text.startsWith('\t')) && lines.length) {
      // a whitespace fold (base64 data is written this way)
      const last = lines.at(-1)!
      if (depth <= 1) last.value += text.trim()
      continue
    }
    const colon = text.indexOf(':')
    if (colon < 0) continue
    const head = text.slice(0, colon)
    const [rawName = '', ...rawParams] = head.split(';')
    const name = rawName.replace(/^[^.]+\./, '').trim().toUpperCase()
    if (name === 'BEGIN') depth++
    if (name === 'END') depth--
    if (depth > 1 || (name === 'END' && depth >= 1)) continue
    const params = rawParams.map((p) => {
      const eq = p.indexOf('=')
      return eq < 0 ? { name: 'TYPE', value: p.trim() } : { name: p.slice(0, eq).trim().toUpperCase(), value: p.slice(eq + 1).trim() }
    })
    const quotedPrintable = params.some((p) => p.value.toUpperCase() === 'QUOTED-PRINTABLE' && (p.name === 'ENCODING' || p.name === 'TYPE'))
    let value = text.slice(colon + 1)
    if (quotedPrintable) {
      while (value.endsWith('=') && i + 1 < physical.length) {
        value = value.slice(0, -1) + physical[++i]!
      }
    }
    text = value
    lines.push({ name, params, value: text })
  }
  return lines
}

function toLine30(line: Line21): string {
  const charset = line.params.find((p) => p.name === 'CHARSET')?.value ?? 'utf-8'
  const encoding = line.params.find((p) => p.name === 'ENCODING' || (p.name === 'TYPE' && /^(QUOTED-PRINTABLE|BASE64|B|8BIT|7BIT)$/i.test(p.value)))?.value.toUpperCase()
  let value = line.value
  if (encoding === 'QUOTED-PRINTABLE') value = decodeQuotedPrintable(value, charset)
  const types: string[] = []
  const others: [string, string[]][] = []
  for (const p of line.params) {
    if (p.name === 'CHARSET' || p.name === 'ENCODING') continue
    if (p.name === 'TYPE') {
      if (/^(QUOTED-PRINTABLE|BASE64|B|8BIT|7BIT)$/i.test(p.value)) continue
      types.push(...p.value.split(',').map((t) => t.trim()).filter(Boolean))
    } else if (p.name === 'VALUE' && p.value.toUpperCase() === 'URL') {
      others.push(['VALUE', ['uri']])
    } else {
      others.push([p.name, [p.value]])
    }
  }
  if (encoding === 'BASE64' || encoding === 'B') others.unshift(['ENCODING', ['b']])
  let written = value
  if (STRUCTURED.has(line.name)) {
    // 2.1 escapes a semicolon inside a part as `\;`; 3.0 keeps that and escapes commas as well
    written = value
      .split(/(?<!\\);/)
      .map((part) => escapeText(part.replace(/\\;/g, ';')))
      .join(';')
  } else if (TEXT.has(line.name)) {
    written = escapeText(value.replace(/\\;/g, ';'))
  }
  const params = [...(types.length ? ([['TYPE', types]] as [string, string[]][]) : []), ...others]
  return `${line.name}${params.map(([k, v]) => `;${k}=${v.map(parameterValue).join(',')}`).join('')}:${written}`
}

/** RFC 2045 §6.7, then the bytes read in the card's CHARSET. */
function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = []
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(...new TextEncoder().encode(c))
    }
  }
  try {
    return new TextDecoder(charset.toLowerCase(), { fatal: false }).decode(new Uint8Array(bytes))
  } catch {
    return new TextDecoder('utf-8').decode(new Uint8Array(bytes))
  }
}

import { linkTarget } from './resource-url'

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

/** Consecutive lines at one quoting depth ("> " prefixes, RFC 3676 §4.5). */
export interface TextBlock {
  depth: number
  parts: TextPart[]
}

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"'\u00a0]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/giu
// punctuation that ends a sentence rather than the URL; a closing bracket stays if the URL opened one
const TRAILING = /[.,;:!?'"»”’)\]]+$/u

function trimmed(url: string): string {
  let text = url.replace(TRAILING, '')
  // "(see https://example.org/a_(b))": keep a closing parenthesis the URL itself opened
  const rest = url.slice(text.length)
  if (rest.startsWith(')') && (text.match(/\(/g)?.length ?? 0) > (text.match(/\)/g)?.length ?? 0)) text += ')'
  return text
}

/** Splits text into plain runs and links (http, https, www., e-mail addresses). */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(LINK)) {
    const raw = trimmed(match[0])
    const start = match.index
    const href = raw.includes('@') && !/^(?:https?:\/\/|www\.)/i.test(raw) ? linkTarget(`mailto:${raw}`) : linkTarget(raw.startsWith('www.') ? `https://${raw}` : raw)
    if (!href) continue
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) })
    parts.push({ kind: 'link', text: raw, href })
    last = start + raw.length
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) })
  return parts
}

/** The message text as blocks by quoting depth, each with its links found. */
export function plainTextBlocks(text: string): TextBlock[] {
  const blocks: { depth: number; lines: string[] }[] = []
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const quote = /^((?:>\s?)+)/.exec(line)
    const depth = quote ? (quote[1]!.match(/>/g)?.length ?? 0) : 0
    const content = quote ? line.slice(quote[1]!.length) : line
    const current = blocks.at(-1)
    if (current && current.depth === depth) current.lines.push(content)
    else blocks.push({ depth, lines: [content] })
  }
  return blocks.map(({ depth, lines }) => ({ depth, parts: linkify(lines.join('\n').replace(/^\n+|\n+$/g, '')) })).filter((block) => block.parts.length > 0)
}

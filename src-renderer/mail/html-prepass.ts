/**
 * A first pass over a message's HTML, as text, before any DOM sees it.
 *
 * Chromium checks the page's CSP while it *parses* markup, even into an inert document
 * (DOMParser, <template>): an `on…=` attribute is reported as a blocked inline event handler and a
 * `style` attribute or <style> element as blocked inline style — console errors for every
 * newsletter, though nothing runs. So before DOMPurify parses the message this pass drops event
 * handler attributes, renames `style` attributes to `data-quire-style` (applied later through the
 * CSSOM, which the CSP allows, after their URLs are checked) and takes <style> elements out as
 * text. <base> is dropped too: even an inert document reports setting its base URI against the
 * app's `base-uri 'none'` (and <meta> with it, which has nothing to say to the reader). It follows
 * the HTML tokenizer (WHATWG HTML §13.2.5) closely enough for that; it is not a
 * security boundary: DOMPurify and the reader's CSP are. If it misreads something, the worst
 * outcome is a console report of something the CSP blocked.
 */

export const STYLE_ATTRIBUTE = 'data-quire-style'

export interface Prepassed {
  html: string
  /** the text of every <style> element, in document order */
  styleSheets: string[]
}

/** Elements whose content is text up to their end tag (§13.2.5.2–5). */
const RAW_TEXT = new Set(['script', 'xmp', 'iframe', 'noembed', 'noframes', 'textarea', 'title'])

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r'
const isAsciiLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c)

interface Attribute {
  name: string
  value: string | null
}

interface Tag {
  name: string
  attributes: Attribute[]
  selfClosing: boolean
  /** index just after the tag's `>` (or the end of input) */
  end: number
}

/** Reads a start or end tag whose name begins at `i` (just after `<` or `</`). */
function readTag(html: string, i: number): Tag {
  let p = i
  while (p < html.length && !isSpace(html[p]) && html[p] !== '/' && html[p] !== '>') p++
  const name = html.slice(i, p).toLowerCase()
  const attributes: Attribute[] = []
  let selfClosing = false
  for (;;) {
    while (p < html.length && (isSpace(html[p]) || html[p] === '/')) {
      selfClosing = html[p] === '/'
      p++
    }
    if (p >= html.length) return { name, attributes, selfClosing, end: p }
    if (html[p] === '>') return { name, attributes, selfClosing, end: p + 1 }
    selfClosing = false
    // §13.2.5.32: an `=` where a name starts belongs to the name
    const nameStart = p
    p++
    while (p < html.length && !isSpace(html[p]) && html[p] !== '/' && html[p] !== '>' && html[p] !== '=') p++
    const attrName = html.slice(nameStart, p).toLowerCase()
    let q = p
    while (q < html.length && isSpace(html[q])) q++
    if (html[q] !== '=') {
      attributes.push({ name: attrName, value: null })
      p = q
      continue
    }
    q++
    while (q < html.length && isSpace(html[q])) q++
    const quote = html[q]
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, q + 1)
      const stop = close < 0 ? html.length : close
      attributes.push({ name: attrName, value: html.slice(q + 1, stop) })
      p = close < 0 ? html.length : close + 1
    } else {
      const start = q
      while (q < html.length && !isSpace(html[q]) && html[q] !== '>') q++
      attributes.push({ name: attrName, value: html.slice(start, q) })
      p = q
    }
  }
}

/** Where the element `name`'s raw text ends: the start of its end tag, or the end of input. */
function rawTextEnd(html: string, from: number, name: string): number {
  const pattern = new RegExp(`</${name}(?=[\\s/>])`, 'ig')
  pattern.lastIndex = from
  const match = pattern.exec(html)
  return match ? match.index : html.length
}

function quoteValue(value: string): string {
  return `"${value.replaceAll('"', '&quot;')}"`
}

function writeTag(tag: Tag): string {
  const seen = new Set<string>()
  let out = `<${tag.name}`
  for (const { name, value } of tag.attributes) {
    // §13.2.5.33: the first of two attributes with one name wins; an event handler never gets in,
    // nor a message's own data-quire-* attribute: those names carry what the reader decided
    if (seen.has(name) || name.startsWith('on') || name.startsWith('data-quire-')) continue
    seen.add(name)
    const written = name === 'style' ? STYLE_ATTRIBUTE : name
    out += value === null ? ` ${written}` : ` ${written}=${quoteValue(value)}`
  }
  return `${out}${tag.selfClosing ? ' /' : ''}>`
}

/** Skips a comment starting at `<!--` (index i); returns the index after it. */
function commentEnd(html: string, i: number): number {
  const body = i + 4
  // §13.2.5.43–44: "<!-->" and "<!--->" are whole (empty) comments
  if (html.startsWith('>', body)) return body + 1
  if (html.startsWith('->', body)) return body + 2
  const close = html.indexOf('-->', body)
  const bang = html.indexOf('--!>', body)
  if (close < 0 && bang < 0) return html.length
  if (bang >= 0 && (close < 0 || bang < close)) return bang + 4
  return close + 3
}

export function prepassHtml(html: string): Prepassed {
  const styleSheets: string[] = []
  let out = ''
  let i = 0
  while (i < html.length) {
    const lt = html.indexOf('<', i)
    if (lt < 0) {
      out += html.slice(i)
      break
    }
    out += html.slice(i, lt)
    const next = html[lt + 1]
    if (html.startsWith('<!--', lt)) {
      const end = commentEnd(html, lt)
      out += html.slice(lt, end)
      i = end
    } else if (next === '!' || next === '?') {
      // doctype, CDATA outside foreign content and processing instructions are bogus comments up to '>'
      const close = html.indexOf('>', lt)
      const end = close < 0 ? html.length : close + 1
      out += html.slice(lt, end)
      i = end
    } else if (next === '/' && isAsciiLetter(html[lt + 2])) {
      // end tags keep no attributes: drop them all
      const tag = readTag(html, lt + 2)
      if (tag.name !== 'style') out += `</${tag.name}>`
      i = tag.end
    } else if (isAsciiLetter(next)) {
      const tag = readTag(html, lt + 1)
      i = tag.end
      if (tag.name === 'style') {
        const end = rawTextEnd(html, i, 'style')
        styleSheets.push(html.slice(i, end))
        i = end
      } else if (tag.name === 'base' || tag.name === 'meta') {
        // dropped: see above
      } else if (tag.name === 'plaintext') {
        out += writeTag(tag) + html.slice(i)
        break
      } else {
        out += writeTag(tag)
        // a "/>" does not close a non-void element (§13.2.5.40): <textarea/> still starts raw text
        if (RAW_TEXT.has(tag.name)) {
          const end = rawTextEnd(html, i, tag.name)
          out += html.slice(i, end)
          i = end
        }
      }
    } else {
      out += '<'
      i = lt + 1
    }
  }
  return { html: out, styleSheets }
}

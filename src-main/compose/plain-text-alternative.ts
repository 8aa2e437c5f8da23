import { decodeEntities } from '../mail/html-text'

interface Element {
  tag: string
  attributes: Record<string, string>
  children: Node[]
}
type Node = Element | string

const VOID = new Set(['br', 'img', 'hr', 'wbr', 'input', 'meta', 'link', 'col', 'area', 'base', 'source'])
const DROPPED = new Set(['head', 'style', 'script', 'title', 'template'])
const BLOCK = new Set(['p', 'div', 'section', 'article', 'header', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'tr', 'figure', 'address', 'center', 'body', 'html'])

/**
 * The text/plain alternative of the editor's HTML (RFC 2046 §5.1.4: both parts say the same thing).
 * Paragraphs are separated by a blank line, <br> breaks the line, list items start with "- " or
 * "1. ", links read "text <url>", quotes carry "> " per level (RFC 3676 §4.5), images their alt text.
 * A reader of the plain part sees what the sender wrote, laid out the way mail clients lay out text.
 */
export function plainTextOf(html: string): string {
  const blocks = renderBlocks(parse(html).children, { pre: false })
  return (
    blocks
      .join('\n\n')
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  )
}

/** A forgiving tree builder: enough for the editor's markup and for quoted mail from elsewhere. */
function parse(html: string): Element {
  const root: Element = { tag: '#root', attributes: {}, children: [] }
  const stack: Element[] = [root]
  const token = /<!--[\s\S]*?(?:-->|$)|<!\w[^>]*>|<\/([a-zA-Z][\w-]*)\s*>|<([a-zA-Z][\w-]*)((?:\s+[^\s/>=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>|([^<]+|<)/g
  let skipping: string | null = null
  for (const match of html.matchAll(token)) {
    const [whole, closing, opening, attributeText, text] = match
    const top = stack.at(-1) as Element
    if (skipping) {
      if (closing?.toLowerCase() === skipping) skipping = null
      continue
    }
    if (text !== undefined) {
      top.children.push(text)
    } else if (opening) {
      const tag = opening.toLowerCase()
      if (DROPPED.has(tag)) {
        if (!whole.endsWith('/>')) skipping = tag
        continue
      }
      const element: Element = { tag, attributes: attributesOf(attributeText ?? ''), children: [] }
      top.children.push(element)
      if (!VOID.has(tag) && !whole.endsWith('/>')) stack.push(element)
    } else if (closing) {
      const tag = closing.toLowerCase()
      const index = stack.findLastIndex((element) => element.tag === tag)
      if (index > 0) stack.length = index
    }
  }
  return root
}

function attributesOf(text: string): Record<string, string> {
  const attributes: Record<string, string> = {}
  for (const [, name, double, single, bare] of text.matchAll(/([^\s/>=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    if (name) attributes[name.toLowerCase()] = decodeEntities(double ?? single ?? bare ?? '')
  }
  return attributes
}

interface Context {
  pre: boolean
}

/** The block-level rendering of `nodes`: each entry is one paragraph (possibly several lines). */
function renderBlocks(nodes: readonly Node[], context: Context): string[] {
  const blocks: string[] = []
  let inline: Node[] = []
  const flush = () => {
    const text = renderInline(inline, context)
    if (text.trim()) blocks.push(context.pre ? text : text.replace(/^\n+|\n+$/g, ''))
    inline = []
  }
  for (const node of nodes) {
    if (typeof node === 'string' || !isBlock(node)) {
      inline.push(node)
      continue
    }
    flush()
    blocks.push(...renderBlock(node, context))
  }
  flush()
  return blocks
}

function isBlock(element: Element): boolean {
  return BLOCK.has(element.tag) || ['blockquote', 'ul', 'ol', 'li', 'pre', 'hr', 'td', 'th'].includes(element.tag)
}

function renderBlock(element: Element, context: Context): string[] {
  switch (element.tag) {
    case 'blockquote': {
      const inner = renderBlocks(element.children, context).join('\n\n')
      return inner ? [inner.split('\n').map((line) => (line.startsWith('>') ? `>${line}` : line ? `> ${line}` : '>')).join('\n')] : []
    }
    case 'ul':
    case 'ol': {
      const ordered = element.tag === 'ol'
      let n = Number(element.attributes.start ?? '1') || 1
      const items: string[] = []
      for (const child of element.children) {
        if (typeof child === 'string') continue
        const body = renderBlocks(child.tag === 'li' ? child.children : [child], context).join('\n')
        if (!body) continue
        const marker = ordered ? `${n++}. ` : '- '
        const indent = ' '.repeat(marker.length)
        items.push(body.split('\n').map((line, i) => (i === 0 ? marker + line : line ? indent + line : '')).join('\n'))
      }
      return items.length ? [items.join('\n')] : []
    }
    case 'pre':
      return [renderInline(element.children, { pre: true }).replace(/\n$/, '')]
    case 'hr':
      return ['———']
    case 'tr':
      return [element.children.map((cell) => (typeof cell === 'string' ? '' : renderBlocks(cell.children, context).join(' '))).filter(Boolean).join('\t')]
    default:
      return renderBlocks(element.children, context)
  }
}

function renderInline(nodes: readonly Node[], context: Context): string {
  let out = ''
  for (const node of nodes) {
    if (typeof node === 'string') {
      const text = decodeEntities(node)
      out += context.pre ? text : text.replace(/\s+/g, ' ')
      continue
    }
    switch (node.tag) {
      case 'br':
        out += '\n'
        break
      case 'img':
        out += node.attributes.alt ?? ''
        break
      case 'a': {
        const text = renderInline(node.children, context)
        const href = node.attributes.href ?? ''
        const shown = href.replace(/^mailto:/i, '')
        out += !href || href.startsWith('#') || text.trim() === shown || text.trim() === href ? text : `${text} <${shown}>`
        break
      }
      default:
        out += isBlock(node) ? `\n${renderBlocks([node], context).join('\n\n')}\n` : renderInline(node.children, context)
    }
  }
  // collapsed whitespace around line breaks is not content
  return context.pre ? out : out.replace(/ *\n */g, '\n').replace(/^ +| +$/g, '')
}

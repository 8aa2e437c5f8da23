import type { JSONContent } from '@tiptap/core'

/**
 * The editor's document as plain text, laid out as mail clients lay out text: blank lines between
 * paragraphs, "- " and "1. " list items, "> " quotes (RFC 3676 §4.5), links as "text <url>".
 * Used when the user switches to plain text, and (without quotes) to read what the user wrote.
 */
export function documentText(doc: JSONContent, { quotes = true }: { quotes?: boolean } = {}): string {
  return blocks(doc.content ?? [], quotes).join('\n\n').replace(/\n{3,}/g, '\n\n').trim()
}

function blocks(nodes: readonly JSONContent[], quotes: boolean): string[] {
  const out: string[] = []
  for (const node of nodes) {
    switch (node.type) {
      case 'blockquote': {
        if (!quotes) break
        const inner = blocks(node.content ?? [], quotes).join('\n\n')
        if (inner) out.push(inner.split('\n').map((line) => (line.startsWith('>') ? `>${line}` : line ? `> ${line}` : '>')).join('\n'))
        break
      }
      case 'bulletList':
      case 'orderedList': {
        let n = Number(node.attrs?.start ?? 1) || 1
        const items = (node.content ?? []).map((item) => {
          const marker = node.type === 'orderedList' ? `${n++}. ` : '- '
          const body = blocks(item.content ?? [], quotes).join('\n')
          return body
            .split('\n')
            .map((line, i) => (i === 0 ? marker + line : line ? ' '.repeat(marker.length) + line : ''))
            .join('\n')
        })
        if (items.length) out.push(items.join('\n'))
        break
      }
      case 'horizontalRule':
        out.push('———')
        break
      case 'codeBlock':
        out.push(inline(node.content ?? []))
        break
      default: {
        if (node.content && node.content.some((child) => child.type !== 'text' && child.type !== 'hardBreak' && child.type !== 'image')) {
          out.push(...blocks(node.content, quotes))
        } else {
          out.push(inline(node.content ?? []))
        }
      }
    }
  }
  return out
}

function inline(nodes: readonly JSONContent[]): string {
  let text = ''
  for (const node of nodes) {
    if (node.type === 'hardBreak') text += '\n'
    else if (node.type === 'image') text += String(node.attrs?.alt ?? '')
    else if (node.type === 'text') {
      const link = node.marks?.find((mark) => mark.type === 'link')
      const href = typeof link?.attrs?.href === 'string' ? link.attrs.href.replace(/^mailto:/i, '') : ''
      text += href && href !== node.text ? `${node.text ?? ''} <${href}>` : (node.text ?? '')
    }
  }
  return text
}

const BLOCK_TYPES: Record<string, string> = {
  P: 'paragraph',
  DIV: 'paragraph',
  BLOCKQUOTE: 'blockquote',
  UL: 'bulletList',
  OL: 'orderedList',
  LI: 'listItem',
  PRE: 'codeBlock',
  HR: 'horizontalRule',
  H1: 'heading',
  H2: 'heading',
  H3: 'heading',
}

/** Editor HTML as plain text (the switch to plain-text mode), read through the same document walk. */
export function plainTextOfHtml(html: string): string {
  const holder = document.createElement('div')
  holder.innerHTML = html
  return documentText(documentOf(holder))
}

function documentOf(element: Element): JSONContent {
  const content: JSONContent[] = []
  for (const child of element.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) content.push({ type: 'text', text: child.textContent ?? '' })
    else if (child instanceof HTMLBRElement) content.push({ type: 'hardBreak' })
    else if (child instanceof HTMLImageElement) content.push({ type: 'image', attrs: { alt: child.alt } })
    else if (child instanceof HTMLAnchorElement) content.push({ type: 'text', text: child.textContent ?? '', marks: [{ type: 'link', attrs: { href: child.getAttribute('href') } }] })
    else if (child instanceof Element) {
      const type = BLOCK_TYPES[child.tagName]
      if (type) content.push({ ...documentOf(child), type })
      else content.push(...(documentOf(child).content ?? []))
    }
  }
  return { type: 'doc', content }
}

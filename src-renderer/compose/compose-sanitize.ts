import DOMPurify from 'dompurify'
import { classifyResource } from '../mail/resource-url'

/** What the editor can hold; anything else is reduced to its text by the editor's schema anyway. */
const ALLOWED_TAGS = [
  'p', 'br', 'div', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del', 'code', 'pre', 'a', 'ul', 'ol', 'li',
  'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'img', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'sub', 'sup',
]
const ALLOWED_ATTR = ['href', 'src', 'alt', 'title', 'start']

const purifier = DOMPurify(window)

export interface EditorHtmlOptions {
  /** Content-ID → data: URL of the message's inline images */
  inlineImages?: ReadonlyMap<string, string>
}

/**
 * HTML from elsewhere (the message being answered, a paste from another app) made fit for the
 * editor: no scripts, styles, forms or event handlers, links only to the web and to mail
 * addresses, and images only the ones the message carries (cid:, as data: URLs) or pasted as data.
 * A remote image would tell its sender that the message was opened; its alt text stays instead.
 */
export function editorHtml(html: string, options: EditorHtmlOptions = {}): string {
  const fragment = purifier.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, RETURN_DOM_FRAGMENT: true, WHOLE_DOCUMENT: false })
  for (const image of [...fragment.querySelectorAll('img')]) {
    const source = classifyResource(image.getAttribute('src') ?? '')
    const data =
      source.kind === 'data' && source.mediaType.startsWith('image/') ? source.href : source.kind === 'cid' ? options.inlineImages?.get(source.contentId) : undefined
    if (data) image.setAttribute('src', data)
    else image.replaceWith(document.createTextNode(image.getAttribute('alt') ?? ''))
  }
  for (const link of [...fragment.querySelectorAll('a')]) {
    const href = link.getAttribute('href') ?? ''
    if (!/^(https?:|mailto:)/i.test(href.trim())) link.removeAttribute('href')
  }
  const container = document.createElement('div')
  container.append(fragment)
  return container.innerHTML
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Plain text as editor paragraphs: blank lines separate paragraphs, line breaks stay, "> " lines become a quote. */
export function textToEditorHtml(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const out: string[] = []
  let i = 0
  while (i < lines.length) {
    if (/^>/.test(lines[i]!)) {
      const quoted: string[] = []
      while (i < lines.length && /^>/.test(lines[i]!)) quoted.push(lines[i++]!.replace(/^> ?/, ''))
      out.push(`<blockquote>${textToEditorHtml(quoted.join('\n'))}</blockquote>`)
      continue
    }
    const paragraph: string[] = []
    while (i < lines.length && lines[i]!.trim() !== '' && !/^>/.test(lines[i]!)) paragraph.push(escapeHtml(lines[i++]!))
    if (paragraph.length) out.push(`<p>${paragraph.join('<br>')}</p>`)
    while (i < lines.length && lines[i]!.trim() === '') i++
  }
  return out.join('')
}

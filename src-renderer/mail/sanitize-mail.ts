import DOMPurify from 'dompurify'
import { cleanStyleSheet, inlineStyleRule, type ResourcePolicy } from './css-sanitize'
import { prepassHtml, STYLE_ATTRIBUTE } from './html-prepass'
import { classifyResource, linkTarget } from './resource-url'

/** Where a sanitised link keeps its target: links carry no href, so nothing can follow, prefetch or preconnect them. */
export const LINK_ATTRIBUTE = 'data-quire-href'
/** Names the element a former `style` attribute's rule applies to. */
export const STYLED_ATTRIBUTE = 'data-quire-styled'

export interface SanitizeOptions {
  allowRemote: boolean
  /** Content-ID → data: URL */
  inlineImages: ReadonlyMap<string, string>
}

export interface SanitizedMail {
  /** a whole document for the sandboxed frame: its own CSP, no scripts, no inline style */
  document: string
  /**
   * What the message's `style` attributes said, as rules (see `inlineStyleRule`). They are not
   * applied as inline styles: the CSP refuses those in markup, and Chromium sends a referrer
   * with images that inline styles set through the CSSOM load, where a sheet's send none.
   */
  inlineStyles: string
  /** the message's style sheets, cleaned; the frame adopts them through the CSSOM */
  styleSheet: string
  /** remote resources held back (0 when remote content is allowed) and their hosts */
  blocked: { count: number; hosts: string[] }
}

/** Elements that have no place in a message shown without scripts, forms or plug-ins. */
const FORBID_TAGS = [
  'style', 'link', 'meta', 'base', 'title', 'form', 'input', 'button', 'select', 'textarea', 'option', 'optgroup', 'datalist',
  'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'param', 'audio', 'video', 'source', 'track', 'portal', 'dialog',
  'template', 'slot', 'noscript',
]

/** Attributes that load or send something, or act on their own; the ones the reader needs are handled below. */
const URL_ATTRIBUTES = ['src', 'srcset', 'href', 'background', 'poster', 'data', 'action', 'formaction', 'ping', 'lowsrc', 'dynsrc', 'xlink:href', 'codebase', 'manifest', 'longdesc', 'usemap']

const purifier = DOMPurify(window)

/**
 * The frame's own policy, on top of the app's (which the frame inherits): no scripts, no styles
 * from markup, images only from data: (and the web when the user allowed it), nothing else.
 */
export function frameContentSecurityPolicy(allowRemote: boolean): string {
  return [
    "default-src 'none'",
    `img-src data:${allowRemote ? ' http: https:' : ''}`,
    "style-src 'none'",
    'font-src data:',
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ')
}

/** The URLs of a `srcset` (HTML §4.8.4.3.10: a URL runs to whitespace; trailing commas end the candidate). */
export function srcsetCandidates(srcset: string): { url: string; descriptor: string }[] {
  const candidates: { url: string; descriptor: string }[] = []
  let i = 0
  while (i < srcset.length) {
    while (i < srcset.length && /[\s,]/.test(srcset[i]!)) i++
    if (i >= srcset.length) break
    let end = i
    while (end < srcset.length && !/\s/.test(srcset[end]!)) end++
    let url = srcset.slice(i, end)
    i = end
    let descriptor = ''
    if (url.endsWith(',')) url = url.replace(/,+$/, '')
    else {
      let depth = 0
      const start = i
      while (i < srcset.length && (srcset[i] !== ',' || depth > 0)) {
        if (srcset[i] === '(') depth++
        if (srcset[i] === ')') depth = Math.max(0, depth - 1)
        i++
      }
      descriptor = srcset.slice(start, i).trim()
    }
    candidates.push({ url, descriptor })
  }
  return candidates
}

function attributeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;')
}

/**
 * A message's HTML made safe to show: DOMPurify (in this real DOM, never a stand-in) removes
 * scripts, handlers and dangerous markup; then every link and every URL that would load something
 * is checked here. Remote images, backgrounds and srcset candidates are dropped unless
 * `allowRemote`; relative and unknown URLs always (they would resolve against the app itself);
 * cid: URLs become the inline images. Links lose their href (see LINK_ATTRIBUTE).
 */
export function sanitizeMail(html: string, options: SanitizeOptions): SanitizedMail {
  const hosts = new Set<string>()
  let count = 0
  const policy: ResourcePolicy = {
    allowRemote: options.allowRemote,
    inlineImages: options.inlineImages,
    blocked: (host) => {
      count++
      if (host) hosts.add(host)
    },
  }

  const { html: prepassed, styleSheets } = prepassHtml(html)
  // WHOLE_DOCUMENT with RETURN_DOM gives the <html> element of DOMPurify's own inert document
  const root = purifier.sanitize(prepassed, {
    WHOLE_DOCUMENT: true,
    RETURN_DOM: true,
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR: ['ping', 'formaction', 'action', 'srcdoc', 'target', 'loading', 'fetchpriority', 'autofocus', 'contenteditable', 'popover'],
    ALLOW_DATA_ATTR: true,
  }) as unknown as Element
  const body = root.querySelector('body') ?? document.createElement('body')
  const holder = document.createElement('div')
  const inlineRules: string[] = []

  /** An image source as the policy allows it, or null to drop it. */
  const imageSource = (raw: string): string | null => {
    const resource = classifyResource(raw)
    switch (resource.kind) {
      case 'data':
        return resource.mediaType.startsWith('image/') ? resource.href : null
      case 'cid':
        return options.inlineImages.get(resource.contentId) ?? null
      case 'remote':
        if (options.allowRemote) return resource.href
        policy.blocked(resource.host)
        return null
      case 'other':
        return null
    }
  }

  for (const element of [body, ...body.querySelectorAll('*')]) {
    const tag = element.localName
    const kept = new Map<string, string>()
    if ((tag === 'a' || tag === 'area') && element.hasAttribute('href')) {
      const target = linkTarget(element.getAttribute('href') ?? '')
      if (target) {
        kept.set(LINK_ATTRIBUTE, target)
        kept.set('role', 'link')
        kept.set('tabindex', '0')
      }
    }
    if (tag === 'img') {
      const source = imageSource(element.getAttribute('src') ?? '')
      if (source) kept.set('src', source)
      const srcset = element.getAttribute('srcset')
      if (srcset) {
        const candidates = srcsetCandidates(srcset).flatMap(({ url, descriptor }) => {
          const source = imageSource(url)
          return source ? [`${source}${descriptor ? ` ${descriptor}` : ''}`] : []
        })
        if (candidates.length > 0) kept.set('srcset', candidates.join(', '))
      }
      kept.set('referrerpolicy', 'no-referrer')
    }
    if (element.hasAttribute('background')) {
      const source = imageSource(element.getAttribute('background') ?? '')
      if (source) kept.set('background', source)
    }
    const style = element.getAttribute(STYLE_ATTRIBUTE)
    if (style !== null) {
      const rule = inlineStyleRule(style, policy, holder)
      if (rule) {
        kept.set(STYLED_ATTRIBUTE, String(inlineRules.length))
        inlineRules.push(`:where([${STYLED_ATTRIBUTE}="${inlineRules.length}"]) { ${rule} }`)
      }
    }
    for (const name of [...URL_ATTRIBUTES, LINK_ATTRIBUTE, STYLE_ATTRIBUTE, STYLED_ATTRIBUTE]) element.removeAttribute(name)
    for (const [name, value] of kept) element.setAttribute(name, value)
  }

  const styleSheet = styleSheets.map((text) => cleanStyleSheet(text, policy)).join('\n')
  const head = [
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${attributeHtml(frameContentSecurityPolicy(options.allowRemote))}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta http-equiv="x-dns-prefetch-control" content="off">',
  ].join('')
  return {
    document: `<!doctype html><html><head>${head}</head>${body.outerHTML}</html>`,
    inlineStyles: inlineRules.join('\n'),
    styleSheet,
    blocked: { count, hosts: [...hosts].sort() },
  }
}

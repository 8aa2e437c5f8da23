/**
 * What a URL in a message would load, decided the way the browser will parse it (the URL parser
 * drops tabs and newlines and trims control characters, so "ht\ttp:" is http:). Anything not
 * clearly one of these kinds is `other` and is removed: relative URLs would resolve against the
 * app's own address.
 */
export type ResourceUrl =
  | { kind: 'remote'; href: string; host: string }
  | { kind: 'data'; href: string; mediaType: string }
  | { kind: 'cid'; contentId: string }
  | { kind: 'other' }

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i

/** Tabs, newlines and surrounding C0 controls/spaces are ignored by the URL parser (WHATWG URL §4.4). */
function cleaned(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
}

export function classifyResource(raw: string): ResourceUrl {
  const text = cleaned(raw)
  if (text.startsWith('//')) return classifyResource(`https:${text}`)
  if (!HAS_SCHEME.test(text)) return { kind: 'other' }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { kind: 'other' }
  }
  switch (url.protocol) {
    case 'http:':
    case 'https:':
      // "https:host" without slashes is still a remote URL to the parser
      return url.host ? { kind: 'remote', href: url.href, host: url.hostname } : { kind: 'other' }
    case 'data:': {
      const mediaType = url.pathname.slice(0, url.pathname.search(/[;,]|$/)).toLowerCase()
      return { kind: 'data', href: url.href, mediaType }
    }
    case 'cid:':
      // RFC 2392: cid:<addr-spec> with URL escapes; Content-ID compares without its angle brackets
      try {
        return { kind: 'cid', contentId: decodeURIComponent(text.slice(4)).replace(/^<|>$/g, '') }
      } catch {
        return { kind: 'other' }
      }
    default:
      return { kind: 'other' }
  }
}

/** The link a click may open outside the app (http, https, mailto, tel), normalised, or null. */
export function linkTarget(raw: string): string | null {
  const text = cleaned(raw)
  if (!HAS_SCHEME.test(text)) return null
  try {
    const url = new URL(text)
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.host) return url.href
    if (url.protocol === 'mailto:' || url.protocol === 'tel:') return url.href
  } catch {
    // not a URL
  }
  return null
}

const LOOKS_LIKE_ADDRESS = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:[/?#]\S*)?$/i

/**
 * The host a link's text claims to go to, if the text looks like a web address
 * ("www.bank.example", "https://bank.example/login"); null for prose like "Sign in".
 */
export function claimedHost(text: string): string | null {
  const match = LOOKS_LIKE_ADDRESS.exec(text.trim())
  return match ? match[1]!.toLowerCase().replace(/^www\./, '') : null
}

/**
 * True when a link's text names another place than it goes to: the text is a web address whose
 * host is not the target's (a subdomain of the claimed host counts as the same place).
 */
export function misleadingLink(text: string, target: string): boolean {
  const claimed = claimedHost(text)
  if (!claimed) return false
  let host: string
  try {
    const url = new URL(target)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return true
    host = url.hostname.toLowerCase().replace(/^www\./, '')
  } catch {
    return true
  }
  return host !== claimed && !host.endsWith(`.${claimed}`)
}

import { isAppOrigin, isAppUrl } from './app-protocol'

const EXTERNAL_SCHEMES = new Set(['http:', 'https:', 'mailto:'])
const MAX_EXTERNAL_URL_LENGTH = 32 * 1024

/** The main frame may only ever show the app itself. */
export function canNavigateMainFrame(url: string): boolean {
  return isAppUrl(url)
}

/**
 * Subframes may show the app, blob: documents the app made (message bodies) and
 * about:blank/about:srcdoc; anything else is refused before it loads.
 */
export function canNavigateSubframe(url: string): boolean {
  return isAppUrl(url) || url === 'about:blank' || url === 'about:srcdoc' || isAppUrl(url.startsWith('blob:') ? url.slice('blob:'.length) : undefined)
}

/**
 * The URL to hand to the system (browser, mail handler) for a link the user
 * opened, or undefined when it must not leave the app: only http(s) with a host
 * and mailto: are handed on, normalized by the URL parser.
 */
export function externalLinkTarget(url: string): string | undefined {
  if (typeof url !== 'string' || url.length > MAX_EXTERNAL_URL_LENGTH) return undefined
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (!EXTERNAL_SCHEMES.has(parsed.protocol)) return undefined
  if (parsed.protocol !== 'mailto:' && parsed.hostname === '') return undefined
  return parsed.href
}

/** Every permission is refused except notifications, and those only to the app itself. */
export function isPermissionAllowed(permission: string, requestingOrigin: string | undefined): boolean {
  return permission === 'notifications' && isAppOrigin(requestingOrigin)
}

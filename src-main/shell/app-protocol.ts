import { readFile, realpath } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { contentSecurityPolicy } from '../web/content-security-policy'

/**
 * The renderer is served from a privileged custom scheme rather than file://,
 * so it has a real origin (`app://quire`) that the CSP, the IPC sender check and
 * the permission handlers can name, and file:// stays closed to it.
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'quire'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** True for a URL of a document or file inside the app (`app://quire/...`). */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string' || !url.startsWith(`${APP_ORIGIN}/`)) return false
  try {
    const parsed = new URL(url)
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST
  } catch {
    return false
  }
}

/** True for the app's origin as Chromium reports it (`app://quire`), or any URL inside it. */
export function isAppOrigin(origin: unknown): boolean {
  return origin === APP_ORIGIN || isAppUrl(origin)
}

/**
 * The file under `rootDir` that `url` names, or undefined when the URL is not
 * the app's or would leave `rootDir` (`..`, encoded slashes, NUL, backslashes).
 * A path ending in `/` names its index.html.
 */
export function appFilePath(rootDir: string, url: string): string | undefined {
  if (!isAppUrl(url)) return undefined
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(url).pathname)
  } catch {
    return undefined
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined
  if (pathname.endsWith('/')) pathname += 'index.html'
  const root = resolve(rootDir)
  const file = resolve(root, `.${pathname}`)
  return isInside(root, file) ? file : undefined
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
}

function headers(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    // the renderer's one CSP, the same as in web mode
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  }
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: headers('text/plain; charset=utf-8') })
}

/**
 * The `protocol.handle('app', ...)` handler: serves files from `rootDir` (the
 * built renderer) with the CSP on every response. Symlinks that lead out of
 * `rootDir` are refused like `..`. Takes the request as a plain object so it is
 * testable without Electron.
 */
export function appProtocolHandler(rootDir: string): (request: { url: string; method: string }) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed')
    const file = appFilePath(rootDir, request.url)
    if (!file) return plain(404, 'Not found')
    try {
      const real = await realpath(file)
      if (!isInside(await realpath(rootDir), real)) return plain(404, 'Not found')
      const body = await readFile(real)
      const type = CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream'
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: headers(type) })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return plain(404, 'Not found')
      console.error(`[quire] cannot serve ${request.url}:`, error instanceof Error ? error.message : error)
      return plain(500, 'Internal error')
    }
  }
}

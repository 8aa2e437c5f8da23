import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

/**
 * Reads a file of the built renderer. `relative` comes from the URL, so it is
 * normalised and must stay inside `root`: a `..` that escapes finds nothing.
 */
export async function readStaticFile(root: string, relative: string): Promise<{ body: Buffer; type: string } | undefined> {
  const path = normalize(join(root, decodeURIComponent(relative || 'index.html')))
  if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined
  try {
    const info = await stat(path)
    const file = info.isDirectory() ? join(path, 'index.html') : path
    return { body: await readFile(file), type: types[extname(file)] ?? 'application/octet-stream' }
  } catch {
    return undefined
  }
}

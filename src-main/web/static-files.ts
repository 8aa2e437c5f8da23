import { stat } from 'node:fs/promises'
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
 * Finds a file of the built renderer. `relative` comes from the URL, so it is
 * normalised and must stay inside `root`: a `..` that escapes finds nothing.
 * The caller streams the file rather than reading it whole: the renderer's script is about 1.5 MB,
 * and one allocation that large, once freed, raises glibc's mmap and trim thresholds for the rest
 * of the process, after which each thread's malloc arena keeps that much more of freed memory.
 */
export async function findStaticFile(root: string, relative: string): Promise<{ path: string; size: number; type: string } | undefined> {
  const path = normalize(join(root, decodeURIComponent(relative || 'index.html')))
  if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined
  try {
    let info = await stat(path)
    let file = path
    if (info.isDirectory()) {
      file = join(path, 'index.html')
      info = await stat(file)
    }
    if (!info.isFile()) return undefined
    return { path: file, size: info.size, type: types[extname(file)] ?? 'application/octet-stream' }
  } catch {
    return undefined
  }
}

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appFilePath, appProtocolHandler } from '../../src-main/shell/app-protocol'
import { contentSecurityPolicy } from '../../src-main/web/content-security-policy'

let dir: string
let root: string
let handle: ReturnType<typeof appProtocolHandler>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quire-app-protocol-'))
  root = join(dir, 'renderer')
  await mkdir(join(root, 'assets'), { recursive: true })
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Quire</title>')
  await writeFile(join(root, 'assets', 'index-abc.js'), 'export {}')
  await writeFile(join(root, 'assets', 'font.woff2'), Buffer.from([1, 2, 3]))
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer')
  await symlink(join(dir, 'secret.txt'), join(root, 'escape.txt'))
  handle = appProtocolHandler(root)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const get = (url: string, method = 'GET') => handle({ url, method })

describe('app:// protocol handler', () => {
  it('serves the renderer with its content type and the CSP', async () => {
    for (const url of ['app://quire/', 'app://quire/index.html']) {
      const response = await get(url)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await response.text()).toContain('<title>Quire</title>')
    }
    const script = await get('app://quire/assets/index-abc.js?v=1#x')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('export {}')
    expect((await get('app://quire/assets/font.woff2')).headers.get('content-type')).toBe('font/woff2')
  })

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://quire/index.html', 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await get('app://quire/index.html', 'POST')).status).toBe(405)
  })

  it('never serves a file outside the renderer directory', async () => {
    const attempts = [
      'app://quire/../secret.txt',
      'app://quire/%2e%2e/secret.txt',
      'app://quire/..%2fsecret.txt',
      'app://quire/assets%2f..%2f..%2fsecret.txt',
      'app://quire/..%5csecret.txt',
      'app://quire/%2fetc%2fpasswd',
      'app://quire/index.html%00.js',
      'app://quire/escape.txt',
      'app://quire/%E0%A4%A',
    ]
    for (const url of attempts) {
      const response = await get(url)
      expect(response.status, url).toBe(404)
      expect(await response.text(), url).not.toContain('outside the renderer')
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy)
    }
  })

  it('serves only the quire host, and 404s what is missing or a directory', async () => {
    expect((await get('app://other/index.html')).status).toBe(404)
    expect((await get('app://quire/missing.js')).status).toBe(404)
    expect((await get('app://quire/assets')).status).toBe(404)
    expect((await get('https://quire/index.html')).status).toBe(404)
  })

  it('maps URLs to paths inside the root only', () => {
    expect(appFilePath('/srv/r', 'app://quire/a/b.js')).toBe(join('/srv/r', 'a', 'b.js'))
    expect(appFilePath('/srv/r', 'app://quire/a/')).toBe(join('/srv/r', 'a', 'index.html'))
    expect(appFilePath('/srv/r', 'app://quire/..%2f..%2fetc/passwd')).toBeUndefined()
    expect(appFilePath('/srv/r', 'app://quire/%2e%2e%2fr2/x')).toBeUndefined()
  })
})

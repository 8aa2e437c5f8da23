// The shell's security decisions, as pure functions: none of these modules imports electron.
import { APP_ORIGIN, isAppOrigin, isAppUrl } from '../../src-main/shell/app-protocol'
import { contentSecurityPolicy } from '../../src-main/web/content-security-policy'
import { isTrustedSender, type FrameLike } from '../../src-main/shell/sender-policy'
import { canNavigateMainFrame, canNavigateSubframe, externalLinkTarget, isPermissionAllowed } from '../../src-main/shell/window-policy'

const frame = (overrides: Partial<FrameLike> & Record<string, unknown> = {}): FrameLike => ({
  url: 'app://quire/index.html',
  processId: 4,
  routingId: 1,
  detached: false,
  parent: null,
  ...overrides,
})

describe('isAppUrl / isAppOrigin', () => {
  it('accepts only documents inside app://quire/', () => {
    expect(isAppUrl('app://quire/')).toBe(true)
    expect(isAppUrl('app://quire/index.html#/mail')).toBe(true)
    for (const url of ['app://quire', 'app://quire.evil/', 'app://quire@evil/', 'app://evil/quire/', 'https://quire/', 'file:///index.html', 'blob:app://quire/x', '', undefined, 42]) {
      expect(isAppUrl(url)).toBe(false)
    }
  })

  it('takes the origin Chromium reports, without a path', () => {
    expect(isAppOrigin(APP_ORIGIN)).toBe(true)
    expect(isAppOrigin('app://quire/index.html')).toBe(true)
    expect(isAppOrigin('https://example.com')).toBe(false)
    expect(isAppOrigin(undefined)).toBe(false)
  })

  it('serves the app with the strict CSP the renderer is built for', () => {
    expect(contentSecurityPolicy).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: http: https:; font-src 'self'; connect-src 'self'; frame-src blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
  })
})

describe('isTrustedSender', () => {
  it('trusts the window main frame showing the app', () => {
    const main = frame()
    expect(isTrustedSender(main, main)).toBe(true)
    // Electron may hand out another object for the same frame: the ids decide
    expect(isTrustedSender(frame(), main)).toBe(true)
  })

  it('refuses missing frames, other frames, subframes and detached frames', () => {
    const main = frame()
    expect(isTrustedSender(null, main)).toBe(false)
    expect(isTrustedSender(main, null)).toBe(false)
    expect(isTrustedSender(undefined, undefined)).toBe(false)
    expect(isTrustedSender(frame({ routingId: 2 }), main)).toBe(false)
    expect(isTrustedSender(frame({ processId: 5 }), main)).toBe(false)
    expect(isTrustedSender(frame({ parent: main }), main)).toBe(false)
    expect(isTrustedSender(frame({ detached: true }), main)).toBe(false)
  })

  it('refuses the main frame once it shows anything but the app', () => {
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'about:blank', 'app://evil/index.html', 'data:text/html,hi']) {
      const main = frame({ url })
      expect(isTrustedSender(main, main)).toBe(false)
    }
  })

  it('refuses a frame Electron has disposed (reading it throws)', () => {
    const disposed = {
      processId: 4,
      routingId: 1,
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed')
      },
    }
    expect(isTrustedSender(disposed, frame())).toBe(false)
  })
})

describe('navigation', () => {
  it('keeps the main frame on the app', () => {
    expect(canNavigateMainFrame('app://quire/index.html')).toBe(true)
    expect(canNavigateMainFrame('https://example.com/')).toBe(false)
    expect(canNavigateMainFrame('file:///etc/passwd')).toBe(false)
    expect(canNavigateMainFrame('javascript:alert(1)')).toBe(false)
  })

  it('lets subframes show only app blobs, the app and blank documents', () => {
    expect(canNavigateSubframe('blob:app://quire/2f1c-4e')).toBe(true)
    expect(canNavigateSubframe('about:blank')).toBe(true)
    expect(canNavigateSubframe('about:srcdoc')).toBe(true)
    expect(canNavigateSubframe('blob:https://evil.example/2f1c')).toBe(false)
    expect(canNavigateSubframe('https://tracker.example/pixel')).toBe(false)
    expect(canNavigateSubframe('data:text/html,<script>1</script>')).toBe(false)
  })
})

describe('externalLinkTarget', () => {
  it('hands http(s) and mailto links to the system, normalized', () => {
    expect(externalLinkTarget('https://example.com/a b')).toBe('https://example.com/a%20b')
    expect(externalLinkTarget('HTTP://Example.COM')).toBe('http://example.com/')
    expect(externalLinkTarget('mailto:alice@example.com?subject=Hi')).toBe('mailto:alice@example.com?subject=Hi')
  })

  it('keeps every other scheme and malformed URL in', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'smb://host/share', 'app://quire/index.html', 'data:text/html,x', 'vbscript:x', 'ms-msdt:/id', 'http://', 'not a url', '']) {
      expect(externalLinkTarget(url)).toBeUndefined()
    }
    expect(externalLinkTarget(`https://example.com/${'a'.repeat(40_000)}`)).toBeUndefined()
  })
})

describe('isPermissionAllowed', () => {
  it('allows notifications to the app and nothing else to anyone', () => {
    expect(isPermissionAllowed('notifications', 'app://quire')).toBe(true)
    expect(isPermissionAllowed('notifications', 'app://quire/index.html')).toBe(true)
    expect(isPermissionAllowed('notifications', 'https://evil.example')).toBe(false)
    expect(isPermissionAllowed('notifications', undefined)).toBe(false)
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown']) {
      expect(isPermissionAllowed(permission, 'app://quire')).toBe(false)
    }
  })
})

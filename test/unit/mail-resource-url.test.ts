import { classifyResource, claimedHost, linkTarget, misleadingLink } from '../../src-renderer/mail/resource-url'

describe('resource URLs in messages', () => {
  it('reads remote URLs the way the URL parser will, obfuscated or not', () => {
    for (const raw of ['http://evil.test/a.png', ' HTTPS://evil.test/a', 'ht\ttp://evil.test/', '\u0001https://evil.test', '//evil.test/x', 'https:evil.test/x']) {
      expect(classifyResource(raw)).toMatchObject({ kind: 'remote', host: 'evil.test' })
    }
  })

  it('keeps cid: and data:, and treats relative and other schemes as unknown', () => {
    expect(classifyResource('cid:photo%401')).toEqual({ kind: 'cid', contentId: 'photo@1' })
    expect(classifyResource('cid:<a@b>')).toEqual({ kind: 'cid', contentId: 'a@b' })
    expect(classifyResource('data:image/png;base64,AAAA')).toMatchObject({ kind: 'data', mediaType: 'image/png' })
    for (const raw of ['a.png', '/a.png', 'javascript:alert(1)', 'file:///etc/passwd', 'ftp://x/y', '']) expect(classifyResource(raw).kind).toBe('other')
  })

  it('lets links open only to the web, mail and phone', () => {
    expect(linkTarget('https://example.org/a?b')).toBe('https://example.org/a?b')
    expect(linkTarget('mailto:ada@example.org')).toBe('mailto:ada@example.org')
    for (const raw of ['javascript:alert(1)', 'jav\tascript:x', 'data:text/html,x', '/relative', '#top', 'vbscript:x']) expect(linkTarget(raw)).toBeNull()
  })

  it('notices link text that names another address than the target', () => {
    expect(claimedHost('Sign in')).toBeNull()
    expect(claimedHost('www.Bank.example')).toBe('bank.example')
    expect(misleadingLink('https://www.bank.example/login', 'https://evil.test/login')).toBe(true)
    expect(misleadingLink('bank.example', 'https://login.bank.example/')).toBe(false)
    expect(misleadingLink('Read more', 'https://anything.test/')).toBe(false)
    expect(misleadingLink('https://bank.example', 'https://bank.example.evil.test/')).toBe(true)
  })
})

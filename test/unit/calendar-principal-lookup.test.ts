import { emailOf, siblingsOf } from '../../src-main/dav/caldav/principal-lookup'

describe('finding another person’s principal beside one’s own', () => {
  it('names the principal after the address’s local part, then after the whole address, in the same collection', () => {
    expect(siblingsOf('http://dav.test/bob/', 'alice@example.test')).toEqual(['http://dav.test/alice/', 'http://dav.test/alice%40example.test/'])
    expect(siblingsOf('http://dav.test/dav/principals/user/bob/', 'alice@example.test')).toEqual([
      'http://dav.test/dav/principals/user/alice/',
      'http://dav.test/dav/principals/user/alice%40example.test/',
    ])
    expect(siblingsOf('http://dav.test/dav/principals/user/bob', 'carol@x.test')[0]).toBe('http://dav.test/dav/principals/user/carol/')
  })

  it('reads an email address or mailto: URI as a lowercased address, and nothing else', () => {
    expect(emailOf(' Alice@Example.TEST ')).toBe('alice@example.test')
    expect(emailOf('mailto:bob@example.test')).toBe('bob@example.test')
    expect(emailOf('http://dav.test/alice/')).toBeUndefined()
    expect(emailOf('alice')).toBeUndefined()
  })
})

import { isEmptyQuery, parseQuery } from '../../src-renderer/search/query'
import { htmlText, words } from '../../src-renderer/search/tokenize'

describe('search queries', () => {
  it('reads words and every operator', () => {
    const query = parseQuery('Invoice  from:Ada to:"Bob Builder" subject:Q3 has:attachment is:unread is:flagged in:Archive before:2026-03-01 after:2026/1/31 Grüße')
    expect(query).toEqual({
      words: ['invoice', 'gruße'],
      from: ['ada'],
      to: ['bob builder'],
      subject: ['q3'],
      hasAttachment: true,
      unread: true,
      flagged: true,
      folders: ['archive'],
      before: new Date(2026, 2, 1).getTime(),
      after: new Date(2026, 1, 1).getTime(),
    })
  })

  it('treats unknown operators and bad dates as words, and knows an empty query', () => {
    expect(parseQuery('foo:bar before:soon').words).toEqual(['foo', 'bar', 'before', 'soon'])
    expect(parseQuery('is:read').unread).toBe(false)
    expect(isEmptyQuery(parseQuery('   '))).toBe(true)
    expect(isEmptyQuery(parseQuery('is:unread'))).toBe(false)
  })
})

describe('index words', () => {
  it('folds case and accents, splits addresses and CJK text into words', () => {
    expect(words('Ünïcode Café ada.lovelace@Example.org')).toEqual(['unicode', 'cafe', 'ada', 'lovelace', 'example', 'org'])
    expect(words('会議の議事録').length).toBeGreaterThan(1)
  })

  it('reads the visible text of HTML without a DOM', () => {
    expect(htmlText('<style>p{}</style><p>Fish &amp; chips&nbsp;&#233;</p>').replace(/\s+/g, ' ').trim()).toBe('Fish & chips é')
  })
})

import { linkify, plainTextBlocks } from '../../src-renderer/mail/plain-text'

describe('plain-text messages', () => {
  it('makes web addresses and e-mail addresses clickable, without trailing punctuation', () => {
    expect(linkify('See https://example.org/a_(b), or www.example.org. Mail ada@example.org!')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.org/a_(b)', href: 'https://example.org/a_(b)' },
      { kind: 'text', text: ', or ' },
      { kind: 'link', text: 'www.example.org', href: 'https://www.example.org/' },
      { kind: 'text', text: '. Mail ' },
      { kind: 'link', text: 'ada@example.org', href: 'mailto:ada@example.org' },
      { kind: 'text', text: '!' },
    ])
  })

  it('does not link what cannot be opened safely', () => {
    expect(linkify('javascript:alert(1) and file:///etc')).toEqual([{ kind: 'text', text: 'javascript:alert(1) and file:///etc' }])
  })

  it('groups quoted lines by depth', () => {
    const blocks = plainTextBlocks('Thanks!\n\n> earlier\n> > oldest\n> earlier again\nme')
    expect(blocks.map((block) => [block.depth, block.parts.map((part) => part.text).join('')])).toEqual([
      [0, 'Thanks!'],
      [1, 'earlier'],
      [2, 'oldest'],
      [1, 'earlier again'],
      [0, 'me'],
    ])
  })
})

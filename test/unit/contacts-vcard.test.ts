import { ContactCard } from '../../src-main/common/domain/contact'
import { parseVcfFile } from '../../src-main/dav/carddav/vcard-file'
import { contentLines, fold } from '../../src-main/dav/carddav/vcard-lines'
import { readVCard } from '../../src-main/dav/carddav/vcard-read'
import { writeVCard } from '../../src-main/dav/carddav/vcard-write'

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`
const noUid = () => 'generated'

const apple30 = crlf([
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//iPhone OS 17.0//EN',
  'N:Doe;John;Quincy;Dr.;Jr.',
  'FN:Dr. John Quincy Doe Jr.',
  'NICKNAME:Johnny,JD',
  'X-PHONETIC-FIRST-NAME:Jon',
  'X-PHONETIC-LAST-NAME:Dough',
  'ORG:Acme\\, Inc.;Research',
  'TITLE:Chief Tinkerer',
  'item1.EMAIL;type=INTERNET;type=WORK;type=pref:john@acme.example',
  'item1.X-ABLabel:_$!<Other>!$_',
  'EMAIL;type=INTERNET;type=HOME:john@home.example',
  'TEL;type=CELL;type=VOICE;type=pref:+1 555 0100',
  'item2.ADR;type=HOME:;;1 Main St\\, Apt 2;Springfield;IL;62701;USA',
  'item2.X-ABADR:us',
  'BDAY;X-APPLE-OMIT-YEAR=1604:1604-05-04',
  'item3.X-ABDATE:2010-06-12',
  'item3.X-ABLabel:_$!<Anniversary>!$_',
  'URL;type=WORK:https://acme.example/a,b',
  'NOTE:Likes tea\\, not coffee.\\nSecond line',
  'X-SOCIALPROFILE;type=twitter:https://twitter.com/jdoe',
  'X-CUSTOM-UNKNOWN;X-PARAM="a:b":keep me exactly',
  'UID:1234-abcd',
  'END:VCARD',
])

describe('reading vCards', () => {
  it('reads an Apple vCard 3.0 with groups, labels, phonetic names and a year-less birthday', () => {
    const { card, version } = readVCard(apple30, noUid)
    expect(version).toBe('3.0')
    expect(card).toMatchObject({
      uid: '1234-abcd',
      formattedName: 'Dr. John Quincy Doe Jr.',
      name: { family: 'Doe', given: 'John', middle: 'Quincy', prefix: 'Dr.', suffix: 'Jr.' },
      phoneticName: { given: 'Jon', middle: '', family: 'Dough' },
      nicknames: ['Johnny', 'JD'],
      organization: 'Acme, Inc.',
      department: 'Research',
      title: 'Chief Tinkerer',
      birthday: '--05-04',
      anniversary: '2010-06-12',
      note: 'Likes tea, not coffee.\nSecond line',
      kind: 'individual',
    })
    expect(card.emails).toEqual([
      { value: 'john@acme.example', types: ['work'], pref: true, label: 'Other', ref: 9 },
      { value: 'john@home.example', types: ['home'], pref: false, ref: 11 },
    ])
    expect(card.phones[0]).toMatchObject({ value: '+1 555 0100', types: ['cell', 'voice'], pref: true })
    expect(card.addresses[0]).toMatchObject({ street: '1 Main St, Apt 2', locality: 'Springfield', region: 'IL', postalCode: '62701', country: 'USA', types: ['home'] })
    expect(card.urls[0]?.value).toBe('https://acme.example/a,b')
  })

  it('reads vCard 4.0 groups, PREF, partial dates and data: photos', () => {
    const { card } = readVCard(
      crlf([
        'BEGIN:VCARD',
        'VERSION:4.0',
        'KIND:group',
        'FN:Engineering',
        'MEMBER:urn:uuid:a',
        'MEMBER:mailto:x@example.test',
        'EMAIL;PREF=1;TYPE=work:team@example.test',
        'BDAY:--0504',
        'ANNIVERSARY:20100101',
        'PHOTO:data:image/png;base64,iVBORw0KGgo=',
        'UID:urn:uuid:g1',
        'END:VCARD',
      ]),
      noUid,
    )
    expect(card).toMatchObject({ kind: 'group', groupStyle: 'vcard4', members: ['urn:uuid:a', 'mailto:x@example.test'], birthday: '--05-04', anniversary: '2010-01-01' })
    expect(card.emails[0]).toMatchObject({ value: 'team@example.test', pref: true, types: ['work'] })
    expect(card.photo).toBe('data:image/png;base64,iVBORw0KGgo=')
  })

  it('reads Apple-style groups', () => {
    const { card } = readVCard(
      crlf(['BEGIN:VCARD', 'VERSION:3.0', 'X-ADDRESSBOOKSERVER-KIND:group', 'N:Team', 'FN:Team', 'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:m1', 'UID:g', 'END:VCARD']),
      noUid,
    )
    expect(card).toMatchObject({ kind: 'group', groupStyle: 'apple', members: ['urn:uuid:m1'], formattedName: 'Team' })
  })

  it('makes up a UID for a card without one and says so', () => {
    const read = readVCard(crlf(['BEGIN:VCARD', 'VERSION:3.0', 'FN:No Uid', 'END:VCARD']), noUid)
    expect(read.uidMissing).toBe(true)
    expect(read.card.uid).toBe('generated')
  })
})

describe('writing vCards back', () => {
  it('an unchanged card is written back with every line as it was (apart from REV)', () => {
    const { card } = readVCard(apple30, noUid)
    const written = writeVCard({ card, base: apple30, now: new Date('2026-01-02T03:04:05Z') })
    const strip = (text: string) => text.split('\r\n').filter((l) => !l.startsWith('REV:'))
    expect(strip(written)).toEqual(strip(apple30))
  })

  it('changing some values keeps unknown properties, groups and unchanged lines byte for byte', () => {
    const { card } = readVCard(apple30, noUid)
    card.title = 'Chief Inventor'
    card.emails[1] = { ...card.emails[1]!, value: 'john@new-home.example' }
    card.phones.push({ value: '+1 555 0199', types: ['work'], pref: false })
    card.nicknames = ['JD']
    const written = writeVCard({ card, base: apple30 })
    const lines = written.split('\r\n')
    expect(lines).toContain('TITLE:Chief Inventor')
    expect(lines).toContain('item1.EMAIL;type=INTERNET;type=WORK;type=pref:john@acme.example')
    expect(lines).toContain('item1.X-ABLabel:_$!<Other>!$_')
    expect(lines).toContain('EMAIL;TYPE=home:john@new-home.example')
    expect(lines).toContain('TEL;TYPE=work:+1 555 0199')
    expect(lines).toContain('NICKNAME:JD')
    expect(lines).toContain('X-SOCIALPROFILE;type=twitter:https://twitter.com/jdoe')
    expect(lines).toContain('X-CUSTOM-UNKNOWN;X-PARAM="a:b":keep me exactly')
    expect(lines).toContain('item2.X-ABADR:us')
    expect(lines).toContain('BDAY;X-APPLE-OMIT-YEAR=1604:1604-05-04')
    expect(lines.filter((l) => l.startsWith('REV:'))).toHaveLength(1)
    const again = readVCard(written, noUid).card
    expect(again.title).toBe('Chief Inventor')
    expect(again.emails.map((e) => e.value)).toEqual(['john@acme.example', 'john@new-home.example'])
  })

  it('removing a grouped value removes its label too', () => {
    const { card } = readVCard(apple30, noUid)
    card.emails = card.emails.slice(1)
    const written = writeVCard({ card, base: apple30 })
    expect(written).not.toContain('john@acme.example')
    expect(written).not.toContain('_$!<Other>!$_')
    expect(written).toContain('item3.X-ABLabel:_$!<Anniversary>!$_')
  })

  it('changing a name part rewrites N, keeping its parameters', () => {
    const base = crlf(['BEGIN:VCARD', 'VERSION:4.0', 'FN:Ann Lee', 'N;SORT-AS="Lee,Ann":Lee;Ann;;;', 'UID:u', 'END:VCARD'])
    const { card } = readVCard(base, noUid)
    card.name.family = 'Lee-Smith'
    card.formattedName = 'Ann Lee-Smith'
    const written = writeVCard({ card, base })
    expect(written).toContain('N;SORT-AS="Lee,Ann":Lee-Smith;Ann;;;')
    expect(written).toContain('FN:Ann Lee-Smith')
  })

  it('writes a new vCard 3.0 and 4.0 card that reads back the same', () => {
    for (const version of ['3.0', '4.0'] as const) {
      const card = ContactCard.parse({
        version,
        uid: 'new-1',
        formattedName: 'Zoë Ångström, PhD',
        name: { given: 'Zoë', family: 'Ångström', suffix: 'PhD' },
        phoneticName: { given: 'Zo-ay', family: 'Ong-strom' },
        nicknames: ['Zo'],
        emails: [{ value: 'zoe@example.test', types: ['work'], pref: true }],
        phones: [{ value: '+46 8 123', types: ['cell'] }],
        addresses: [{ street: 'Storgatan 1; 2tr', locality: 'Stockholm', country: 'Sweden', types: ['home'] }],
        urls: [{ value: 'https://example.test/?a=1,2', types: [] }],
        organization: 'Example AB',
        department: 'R&D',
        title: 'Researcher',
        birthday: '--12-24',
        anniversary: '2001-02-03',
        note: 'Line one\nLine two; with, punctuation \\ slash',
        photo: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==',
      })
      const written = writeVCard({ card })
      expect(written.startsWith(`BEGIN:VCARD\r\nVERSION:${version}\r\n`)).toBe(true)
      for (const line of written.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75)
      const read = readVCard(written, noUid).card
      const { emails, phones, addresses, urls, ...rest } = read
      const strip = <T extends { ref?: number }>(items: T[]) => items.map(({ ref: _ref, ...item }) => item)
      const { emails: e0, phones: p0, addresses: a0, urls: u0, ...expected } = card
      expect(rest).toEqual(expected)
      expect(strip(emails)).toEqual(e0)
      expect(strip(phones)).toEqual(p0)
      expect(strip(addresses)).toEqual(a0)
      expect(strip(urls)).toEqual(u0)
    }
  })

  it('writes groups in either style and changes members as a set', () => {
    const group = ContactCard.parse({ version: '3.0', uid: 'g1', kind: 'group', formattedName: 'Team', members: ['urn:uuid:a', 'urn:uuid:b'] })
    const apple = writeVCard({ card: group, groupStyle: 'apple' })
    expect(apple).toContain('VERSION:3.0')
    expect(apple).toContain('X-ADDRESSBOOKSERVER-KIND:group')
    expect(apple).toContain('X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:a')
    expect(apple).toContain('N:;Team;;;'.replace(';Team', '')) // N is present (required in 3.0)
    const v4 = writeVCard({ card: { ...group, version: '4.0' }, groupStyle: 'vcard4' })
    expect(v4).toContain('VERSION:4.0')
    expect(v4).toContain('KIND:group')
    expect(v4).toContain('MEMBER:urn:uuid:b')

    const read = readVCard(apple, noUid).card
    const renamed = writeVCard({ card: { ...read, formattedName: 'Core team', members: ['urn:uuid:b', 'urn:uuid:c'] }, base: apple })
    expect(renamed).toContain('FN:Core team')
    expect(renamed).not.toContain('urn:uuid:a')
    expect(renamed).toContain('X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:b')
    expect(renamed).toContain('X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:c')
    expect(renamed).not.toContain('\r\nMEMBER:')
  })

  it('absorbing another card carries over its unknown lines with fresh groups', () => {
    const other = crlf(['BEGIN:VCARD', 'VERSION:3.0', 'FN:J. Doe', 'item1.X-FOO:bar', 'item1.X-ABLabel:custom', 'X-JABBER:jd@chat.example', 'item2.EMAIL:x@y', 'item2.X-ABLabel:_$!<Home>!$_', 'END:VCARD'])
    const { card } = readVCard(apple30, noUid)
    const written = writeVCard({ card, base: apple30, absorb: [other] })
    expect(written).toContain('X-JABBER:jd@chat.example')
    expect(written).toContain('item4.X-FOO:bar')
    expect(written).toContain('item4.X-ABLabel:custom')
    expect(written).not.toContain('_$!<Home>!$_')
  })

  it('folds long lines at 75 octets without splitting a character', () => {
    const folded = fold(`NOTE:${'é'.repeat(80)}`)
    for (const line of folded.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75)
    expect(contentLines(`BEGIN:VCARD\r\n${folded}\r\nEND:VCARD`)[0]?.text).toBe(`NOTE:${'é'.repeat(80)}`)
  })
})

describe('importing .vcf files', () => {
  it('reads 2.1, 3.0 and 4.0 cards and says exactly what it skipped and why', () => {
    const file = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen',
      'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller',
      'TEL;HOME;VOICE:+49 30 1234',
      'EMAIL;INTERNET;PREF:juergen@example.test',
      'NOTE;ENCODING=QUOTED-PRINTABLE:First line=0D=0Asecond, with comma=',
      ' and more',
      'ADR;WORK:;;Hauptstr. 5;Berlin;;10115;Germany',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Three Point Oh',
      'EMAIL;TYPE=work:three@example.test',
      'UID:three',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Four Point Oh',
      'TEL;VALUE=uri;TYPE=cell:tel:+1-555-0104',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'NOTE:nothing to go by',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:5.0',
      'FN:From the future',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Cut off',
    ].join('\n')
    const { cards, skipped } = parseVcfFile(file)
    expect(cards.map((c) => [c.index, c.sourceVersion, c.card.formattedName])).toEqual([
      [1, '2.1', 'Jürgen Müller'],
      [2, '3.0', 'Three Point Oh'],
      [3, '4.0', 'Four Point Oh'],
    ])
    const juergen = cards[0]!.card
    expect(juergen.name).toMatchObject({ family: 'Müller', given: 'Jürgen' })
    expect(juergen.phones[0]).toMatchObject({ value: '+49 30 1234', types: ['home', 'voice'] })
    expect(juergen.emails[0]).toMatchObject({ value: 'juergen@example.test', pref: true })
    expect(juergen.note).toBe('First line\r\nsecond, with comma and more'.replace('\r\n', '\n'))
    expect(juergen.addresses[0]).toMatchObject({ street: 'Hauptstr. 5', locality: 'Berlin', postalCode: '10115', country: 'Germany', types: ['work'] })
    expect(cards[0]!.raw).toContain('VERSION:3.0')
    expect(cards[0]!.raw).toMatch(/\r\nUID:[0-9a-f-]{36}\r\nEND:VCARD\r\n$/)
    expect(cards[1]!.card.uid).toBe('three')
    expect(cards[2]!.card.phones[0]?.value).toBe('+1-555-0104')
    expect(skipped).toEqual([
      { index: 4, label: '', reason: 'The card has no name, email address, phone number or organisation.' },
      { index: 5, label: 'From the future', reason: 'vCard version 5.0 is not one Quire reads (2.1, 3.0 and 4.0 are).' },
      { index: 6, label: 'Cut off', reason: 'The card is cut off: it has no END:VCARD line.' },
    ])
  })
})

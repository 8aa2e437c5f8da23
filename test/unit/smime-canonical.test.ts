import { canonicaliseEntity, isTransportSafe, quotedPrintable } from '../../src-main/smime/mime-canonical'
import { joinMessage, multipartParts, parseEntity, splitMessage } from '../../src-main/smime/mime-entity'

describe('canonical, transport-safe form of what is signed (RFC 8551 §3.1)', () => {
  it('leaves an entity that is already safe byte for byte alone', () => {
    const entity = Buffer.from('Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello\r\n')
    expect(canonicaliseEntity(entity)).toBe(entity)
  })

  it('8-bit text becomes quoted-printable with CRLF, trailing white space and "From " escaped', () => {
    const entity = Buffer.from('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGrüße \nFrom me\n')
    const out = canonicaliseEntity(entity).toString('latin1')
    expect(out).toBe('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe=20\r\n=46rom me\r\n')
    expect(isTransportSafe(Buffer.from(out, 'latin1'))).toBe(true)
  })

  it('binary parts inside a multipart become base64; the structure is kept', () => {
    const binary = Buffer.from([0, 1, 2, 0x0a, 0xff, 0x0d, 0x41])
    const entity = Buffer.concat([
      Buffer.from('Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nhi\n--b1\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n'),
      binary,
      Buffer.from('\n--b1--\n'),
    ])
    const out = canonicaliseEntity(entity)
    expect(isTransportSafe(out)).toBe(true)
    const { parts } = multipartParts(parseEntity(out).body, 'b1')
    expect(parts).toHaveLength(2)
    const attachment = parseEntity(parts[1]!)
    expect(attachment.fields.find((f) => f.name === 'content-transfer-encoding')?.value).toBe('base64')
    expect(Buffer.from(attachment.body.toString(), 'base64')).toEqual(binary)
  })

  it('quoted-printable lines stay within 76 characters', () => {
    const out = quotedPrintable(Buffer.from('é'.repeat(100), 'utf8')).toString()
    for (const line of out.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76)
  })

  it('splits a message into outer fields and the entity, and joins them back', () => {
    const message = Buffer.from('From: a@example.test\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nbody\r\n')
    const { outer, entity } = splitMessage(message)
    expect(outer.map((f) => f.name)).toEqual(['from', 'subject', 'mime-version'])
    expect(entity.toString()).toBe('Content-Type: text/plain\r\n\r\nbody\r\n')
    expect(joinMessage(outer, entity).toString()).toBe('From: a@example.test\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nbody\r\n')
  })
})

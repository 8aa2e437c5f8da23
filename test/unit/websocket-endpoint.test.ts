import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'
import type { ServerMessage } from '../../src-main/rpc/endpoint'
import { fragmentsOf, MAX_FRAGMENT_UNITS, webSocketEndpoint } from '../../src-main/rpc/websocket-endpoint'

describe('fragmentsOf', () => {
  it('cuts a long text into pieces of at most the given length that join back to it', () => {
    const text = 'abcdefghij'.repeat(7)
    const pieces = [...fragmentsOf(text, 16)]
    expect(pieces.map(([piece]) => piece).join('')).toBe(text)
    expect(pieces.every(([piece]) => piece.length <= 16)).toBe(true)
    expect(pieces.map(([, last]) => last)).toEqual([false, false, false, false, true])
  })

  it('gives a short text as its only, last piece', () => {
    expect([...fragmentsOf('{}', 16)]).toEqual([['{}', true]])
    expect([...fragmentsOf('', 16)]).toEqual([['', true]])
  })

  it('never cuts a surrogate pair in two', () => {
    // '😀' is two code units: at every offset some cut would fall between them
    for (let lead = 0; lead < 4; lead++) {
      const text = 'x'.repeat(lead) + '😀'.repeat(20)
      const pieces = [...fragmentsOf(text, 7)].map(([piece]) => piece)
      expect(pieces.join('')).toBe(text)
      for (const piece of pieces) expect(Buffer.from(piece, 'utf8').toString('utf8')).toBe(piece)
    }
  })
})

describe('webSocketEndpoint', () => {
  it('delivers a reply longer than a fragment as one message, characters intact', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    await once(server, 'listening')
    const accepted = once(server, 'connection')
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`)
    try {
      await once(client, 'open')
      const [socket] = (await accepted) as [WebSocket]
      const endpoint = webSocketEndpoint(socket)
      // far more than one fragment, with astral characters and multi-byte text throughout
      const subjects = Array.from({ length: 3000 }, (_, i) => `${i} Überprüfung 会議の議事録 😀 ${'é'.repeat(i % 7)}`)
      const message = { id: 1, ok: true, value: subjects } as unknown as ServerMessage
      expect(JSON.stringify(message).length).toBeGreaterThan(2 * MAX_FRAGMENT_UNITS)
      const received = once(client, 'message')
      endpoint.send(message)
      const [data, isBinary] = (await received) as [Buffer, boolean]
      expect(isBinary).toBe(false)
      expect(JSON.parse(data.toString())).toEqual(message)
    } finally {
      client.close()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

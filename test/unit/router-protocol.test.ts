import type { ServerMessage } from '../../src-main/common/contract'
import { appHandlers } from '../../src-main/app-service'
import { appContract } from '../../src-main/common/contract/app'
import type { MessageEndpoint } from '../../src-main/rpc/endpoint'
import { createRouter } from '../../src-main/rpc/router'

/** Feeds raw messages straight to the router, as a hostile or broken renderer could. */
function rawEndpoint() {
  const sent: ServerMessage[] = []
  let deliver: (message: unknown, size: number) => void = () => {}
  const endpoint: MessageEndpoint = {
    send: (m) => sent.push(m),
    onMessage: (l) => (deliver = l),
    onClose: () => {},
    close: () => {},
  }
  createRouter(appHandlers('web'), {}, appContract).connect(endpoint)
  return { sent, deliver: (m: unknown) => deliver(m, JSON.stringify(m ?? null).length) }
}

describe('router protocol', () => {
  it('answers a message without a readable id with a protocol error', () => {
    const { sent, deliver } = rawEndpoint()
    deliver('not an object')
    deliver({ t: 'call', name: 'app.info' })
    expect(sent).toEqual([
      expect.objectContaining({ t: 'protocol-error', error: expect.objectContaining({ code: 'BAD_INPUT' }) }),
      expect.objectContaining({ t: 'protocol-error' }),
    ])
  })

  it('answers a malformed message that has an id with an error for that id', () => {
    const { sent, deliver } = rawEndpoint()
    deliver({ t: 'call', id: 7, name: 42 })
    expect(sent).toEqual([{ t: 'error', id: 7, error: expect.objectContaining({ code: 'BAD_INPUT' }) }])
  })

  it('does not let a prototype key pass for a procedure', () => {
    const { sent, deliver } = rawEndpoint()
    deliver({ t: 'call', id: 1, name: 'constructor', input: {} })
    deliver({ t: 'call', id: 2, name: '__proto__', input: {} })
    expect(sent.map((m) => m.t === 'error' && m.error.code)).toEqual(['UNKNOWN_PROCEDURE', 'UNKNOWN_PROCEDURE'])
  })

  it('refuses a reused request id while the first is running', async () => {
    const { sent, deliver } = rawEndpoint()
    deliver({ t: 'subscribe', id: 3, name: 'app.ping', input: { intervalMs: 1000 } })
    deliver({ t: 'subscribe', id: 3, name: 'app.ping', input: { intervalMs: 1000 } })
    expect(sent.filter((m) => m.t === 'error')).toEqual([{ t: 'error', id: 3, error: expect.objectContaining({ code: 'BAD_INPUT' }) }])
    deliver({ t: 'cancel', id: 3 })
  })
})

import { EventEmitter } from 'node:events'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { z } from 'zod'
import { event, procedure } from '../../src-main/common/contract/define'
import { messagePortEndpoint } from '../../src-main/rpc/message-port-endpoint'
import { createRouter } from '../../src-main/rpc/router'
import { portLikeFromEmitter } from '../../src-main/shell/message-port-main-adapter'

/** Behaves like Electron's MessagePortMain: an EventEmitter with `message` events carrying `{ data, ports }`. */
class FakeMessagePortMain extends EventEmitter {
  readonly posted: unknown[] = []
  started = 0
  closed = 0
  constructor(private readonly port?: MessagePort) {
    super()
    port?.on('message', (data: unknown) => this.emit('message', { data, ports: [] }))
    port?.on('close', () => this.emit('close'))
  }
  postMessage(message: unknown): void {
    this.posted.push(message)
    this.port?.postMessage(message)
  }
  start(): void {
    this.started++
  }
  close(): void {
    this.closed++
    this.port?.close()
  }
}

describe('portLikeFromEmitter', () => {
  it('gives the DOM port shape: message events carry data, close events reach listeners', () => {
    const emitter = new FakeMessagePortMain()
    const port = portLikeFromEmitter(emitter)
    const messages: unknown[] = []
    let closes = 0
    port.addEventListener('message', (event) => messages.push(event.data))
    port.addEventListener('close', () => closes++)
    port.start()
    emitter.emit('message', { data: { t: 'call' }, ports: [] })
    emitter.emit('close')
    expect(messages).toEqual([{ t: 'call' }])
    expect(closes).toBe(1)
    expect(emitter.started).toBe(1)
  })

  it('drops posts after either side closed and closes the port once', () => {
    const remoteClosed = new FakeMessagePortMain()
    const a = portLikeFromEmitter(remoteClosed)
    a.postMessage(1)
    remoteClosed.emit('close')
    a.postMessage(2)
    expect(remoteClosed.posted).toEqual([1])

    const closedHere = new FakeMessagePortMain()
    const b = portLikeFromEmitter(closedHere)
    b.close()
    b.close()
    b.postMessage(3)
    expect(closedHere.closed).toBe(1)
    expect(closedHere.posted).toEqual([])
  })
})

describe('the router over an adapted MessagePortMain', () => {
  // A contract of its own, so this test does not depend on the services createApp wires up.
  const contract = {
    'app.echo': procedure({ input: z.object({ text: z.string() }).strict(), output: z.object({ text: z.string() }) }),
    'test.ticks': event({ input: z.object({}).strict(), payload: z.object({ n: z.number() }) }),
  }
  let stopped = 0
  const router = createRouter<typeof contract>(
    {
      'app.echo': ({ text }) => ({ text }),
      'test.ticks': (_input, emit) => {
        emit({ n: 1 })
        return () => void stopped++
      },
    },
    {},
    contract,
  )

  const nextMessage = (port: MessagePort) => new Promise((resolve) => port.once('message', resolve))

  it('answers calls and streams events the renderer sends through the other port', async () => {
    const { port1, port2 } = new MessageChannel()
    const close = router.connect(messagePortEndpoint(portLikeFromEmitter(new FakeMessagePortMain(port1))))
    const reply = nextMessage(port2)
    port2.postMessage({ t: 'call', id: 1, name: 'app.echo', input: { text: 'hello' } })
    expect(await reply).toEqual({ t: 'result', id: 1, value: { text: 'hello' } })
    const tick = nextMessage(port2)
    port2.postMessage({ t: 'subscribe', id: 2, name: 'test.ticks', input: {} })
    expect(await tick).toEqual({ t: 'event', id: 2, value: { n: 1 } })
    close()
    port2.close()
  })

  it('stops the subscriptions of a renderer that went away', async () => {
    const { port1, port2 } = new MessageChannel()
    const main = new FakeMessagePortMain(port1)
    router.connect(messagePortEndpoint(portLikeFromEmitter(main)))
    const tick = nextMessage(port2)
    port2.postMessage({ t: 'subscribe', id: 1, name: 'test.ticks', input: {} })
    await tick
    const before = stopped
    const closed = new Promise((resolve) => main.once('close', resolve))
    port2.close()
    await closed
    expect(stopped).toBe(before + 1)
  })
})

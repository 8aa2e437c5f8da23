import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MessageChannel } from 'node:worker_threads'
import { WebSocket } from 'ws'
import { z } from 'zod'
import { event, procedure } from '../../src-main/common/contract/define'
import { appHandlers } from '../../src-main/app-service'
import { messagePortEndpoint, type PortLike } from '../../src-main/rpc/message-port-endpoint'
import { createRouter, type HandlersFor, type Router } from '../../src-main/rpc/router'
import { startWebHost, type WebHost } from '../../src-main/web/host'
import { createClient, RpcError, type Client } from '../../src-renderer/rpc/client'
import { fromMessagePort } from '../../src-renderer/rpc/message-port-connection'
import { openWebSocket, rpcUrlFor } from '../../src-renderer/rpc/websocket-connection'

// A contract of the app's own procedures plus two that exist only here: a call
// that waits until cancelled, and a stream whose stop we can observe.
const testContract = {
  'app.info': procedure({ input: z.object({}).strict(), output: z.object({ name: z.string(), version: z.string(), mode: z.enum(['electron', 'web']), platform: z.string() }) }),
  'app.echo': procedure({ input: z.object({ text: z.string().max(10_000) }).strict(), output: z.object({ text: z.string() }), maxInputBytes: 2048 }),
  'app.ping': event({ input: z.object({ intervalMs: z.number().int().min(100) }).strict(), payload: z.object({ seq: z.number(), sentAt: z.number() }) }),
  'test.wait': procedure({ input: z.object({}), output: z.object({}) }),
  'test.fail': procedure({ input: z.object({}), output: z.object({}) }),
}

function testRouter(observed: { aborted: number; stopped: number }): Router {
  const app = appHandlers('web')
  const handlers: HandlersFor<typeof testContract> = {
    'app.info': app['app.info'],
    'app.echo': app['app.echo'],
    'app.ping': (input, emit, ctx) => {
      const stop = app['app.ping'](input, emit, ctx)
      return () => {
        observed.stopped++
        stop?.()
      }
    },
    'test.wait': (_input, { signal }) =>
      new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => {
          observed.aborted++
          reject(new Error('aborted'))
        }),
      ),
    'test.fail': () => {
      throw new Error('secret internals')
    },
  }
  return createRouter(handlers, { validateOutput: true, onInternalError: () => {} }, testContract)
}

// The renderer's client is typed against the real contract; tests speak the test contract through it.
type LooseClient = {
  call(name: string, input: unknown, options?: { signal?: AbortSignal }): Promise<unknown>
  subscribe(name: string, input: unknown, handlers: { onEvent(p: unknown): void; onEnd?(e?: RpcError): void }): () => void
}
const loose = (client: Client) => client as unknown as LooseClient

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof RpcError) return error
    throw error
  }
  throw new Error('expected a rejection')
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(condition()).toBe(true)
}

interface Transport {
  name: string
  open(router: Router): Promise<{ client: Client; close(): Promise<void> }>
}

const transports: Transport[] = [
  {
    name: 'MessagePort',
    async open(router) {
      const { port1, port2 } = new MessageChannel()
      router.connect(messagePortEndpoint(port1 as unknown as PortLike))
      // Node's MessagePort has the DOM shape the renderer's code expects
      const client = createClient(fromMessagePort(port2 as unknown as Parameters<typeof fromMessagePort>[0]))
      return { client, close: async () => client.close() }
    },
  },
  {
    name: 'WebSocket',
    async open(router) {
      const rendererDir = mkdtempSync(join(tmpdir(), 'quire-web-'))
      writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Quire</title>')
      const host: WebHost = await startWebHost({ router, rendererDir })
      const client = createClient(await openWebSocket(rpcUrlFor(host.url), WebSocket as never))
      return {
        client,
        close: async () => {
          client.close()
          await host.close()
        },
      }
    },
  },
]

describe.each(transports)('contract over $name', (transport) => {
  let client: LooseClient
  let close: () => Promise<void>
  const observed = { aborted: 0, stopped: 0 }

  beforeEach(async () => {
    observed.aborted = observed.stopped = 0
    const opened = await transport.open(testRouter(observed))
    client = loose(opened.client)
    close = opened.close
  })
  afterEach(async () => close())

  it('answers app.info', async () => {
    expect(await client.call('app.info', {})).toMatchObject({ name: 'Quire', mode: 'web' })
  })

  it('refuses input of the wrong type with BAD_INPUT, naming the field', async () => {
    const error = await rejection(client.call('app.echo', { text: 42 }))
    expect(error.code).toBe('BAD_INPUT')
    expect(error.retryable).toBe(false)
    expect(error.details?.issues).toEqual([expect.objectContaining({ path: ['text'] })])
  })

  it('refuses unknown fields (strict schemas)', async () => {
    expect((await rejection(client.call('app.echo', { text: 'hi', extra: true }))).code).toBe('BAD_INPUT')
  })

  it('refuses an unknown procedure with UNKNOWN_PROCEDURE', async () => {
    const error = await rejection(client.call('mail.deleteEverything', {}))
    expect(error.code).toBe('UNKNOWN_PROCEDURE')
    expect(error.message).toContain('mail.deleteEverything')
  })

  it('refuses an event name used as a procedure', async () => {
    expect((await rejection(client.call('app.ping', { intervalMs: 100 }))).code).toBe('UNKNOWN_PROCEDURE')
  })

  it('refuses an oversized payload with PAYLOAD_TOO_LARGE before validating it', async () => {
    const error = await rejection(client.call('app.echo', { text: 'x'.repeat(5000) }))
    expect(error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('hides internal failures behind INTERNAL', async () => {
    const error = await rejection(client.call('test.fail', {}))
    expect(error.code).toBe('INTERNAL')
    expect(error.message).not.toContain('secret')
  })

  it('cancels a running call: the caller gets CANCELLED and the service sees its signal abort', async () => {
    const controller = new AbortController()
    const pending = client.call('test.wait', {}, { signal: controller.signal })
    await new Promise((r) => setTimeout(r, 50))
    controller.abort()
    expect((await rejection(pending)).code).toBe('CANCELLED')
    await until(() => observed.aborted === 1)
  })

  it('delivers events to a subscriber and stops the source on unsubscribe', async () => {
    const beats: number[] = []
    const unsubscribe = client.subscribe('app.ping', { intervalMs: 100 }, { onEvent: (p) => beats.push((p as { seq: number }).seq) })
    await until(() => beats.length >= 3)
    expect(beats.slice(0, 3)).toEqual([0, 1, 2])
    unsubscribe()
    await until(() => observed.stopped === 1)
  })

  it('ends a subscription with a typed error when its input is invalid', async () => {
    const ended = new Promise<RpcError | undefined>((resolve) => client.subscribe('app.ping', { intervalMs: 1 }, { onEvent: () => {}, onEnd: resolve }))
    expect((await ended)?.code).toBe('BAD_INPUT')
  })

  it('stops every subscription when the connection closes', async () => {
    client.subscribe('app.ping', { intervalMs: 100 }, { onEvent: () => {} })
    await new Promise((r) => setTimeout(r, 50))
    await close()
    await until(() => observed.stopped === 1)
    close = async () => {}
  })
})

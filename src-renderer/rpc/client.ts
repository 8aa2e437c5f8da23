import type {
  ErrorCode,
  ErrorShape,
  EventInput,
  EventName,
  EventPayload,
  ProcedureInput,
  ProcedureName,
  ProcedureOutput,
  ServerMessage,
} from '../../src-main/common/contract'
import type { Connection } from './connection'

/** A typed failure from main: the catalogue's code, a message for the user, and whether to retry. */
export class RpcError extends Error implements ErrorShape {
  readonly code: ErrorCode
  readonly retryable: boolean
  readonly details?: Record<string, unknown>
  constructor(shape: ErrorShape) {
    super(shape.message)
    this.name = 'RpcError'
    this.code = shape.code
    this.retryable = shape.retryable
    if (shape.details) this.details = shape.details
  }
}

const disconnected: ErrorShape = { code: 'OFFLINE', message: 'Quire lost its connection to the main process.', retryable: true }
const cancelled: ErrorShape = { code: 'CANCELLED', message: 'The operation was cancelled.', retryable: true }

interface Pending {
  resolve(value: unknown): void
  reject(error: RpcError): void
}
interface Subscription {
  onEvent(value: unknown): void
  onEnd(error?: RpcError): void
}

export interface Client {
  call<N extends ProcedureName>(name: N, input: ProcedureInput<N>, options?: { signal?: AbortSignal }): Promise<ProcedureOutput<N>>
  subscribe<N extends EventName>(
    name: N,
    input: EventInput<N>,
    handlers: { onEvent(payload: EventPayload<N>): void; onEnd?(error?: RpcError): void },
  ): () => void
  onClose(listener: () => void): void
  close(): void
}

export function createClient(connection: Connection): Client {
  let nextId = 1
  let closed = false
  const pending = new Map<number, Pending>()
  const subscriptions = new Map<number, Subscription>()
  const closeListeners: (() => void)[] = []

  connection.onMessage((message: ServerMessage) => {
    switch (message.t) {
      case 'result':
        pending.get(message.id)?.resolve(message.value)
        pending.delete(message.id)
        break
      case 'error': {
        const error = new RpcError(message.error)
        pending.get(message.id)?.reject(error)
        pending.delete(message.id)
        subscriptions.get(message.id)?.onEnd(error)
        subscriptions.delete(message.id)
        break
      }
      case 'event':
        subscriptions.get(message.id)?.onEvent(message.value)
        break
      case 'end':
        subscriptions.get(message.id)?.onEnd(message.error && new RpcError(message.error))
        subscriptions.delete(message.id)
        break
      case 'protocol-error':
        console.error('Quire protocol error:', message.error.message)
        break
    }
  })

  connection.onClose(() => {
    if (closed) return
    closed = true
    for (const p of pending.values()) p.reject(new RpcError(disconnected))
    for (const s of subscriptions.values()) s.onEnd(new RpcError(disconnected))
    pending.clear()
    subscriptions.clear()
    closeListeners.forEach((l) => l())
  })

  return {
    call(name, input, options = {}) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new RpcError(disconnected))
        const { signal } = options
        if (signal?.aborted) return reject(new RpcError(cancelled))
        const id = nextId++
        const cleanup = () => signal?.removeEventListener('abort', onAbort)
        const onAbort = () => {
          pending.delete(id)
          connection.send({ t: 'cancel', id })
          reject(new RpcError(cancelled))
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        pending.set(id, {
          resolve: (value) => (cleanup(), resolve(value as never)),
          reject: (error) => (cleanup(), reject(error)),
        })
        connection.send({ t: 'call', id, name, input })
      })
    },
    subscribe(name, input, handlers) {
      if (closed) {
        handlers.onEnd?.(new RpcError(disconnected))
        return () => {}
      }
      const id = nextId++
      subscriptions.set(id, { onEvent: (v) => handlers.onEvent(v as never), onEnd: (e) => handlers.onEnd?.(e) })
      connection.send({ t: 'subscribe', id, name, input })
      return () => {
        if (subscriptions.delete(id) && !closed) connection.send({ t: 'cancel', id })
      }
    },
    onClose: (listener) => closeListeners.push(listener),
    close: () => connection.close(),
  }
}

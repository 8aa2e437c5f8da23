import { z } from 'zod'
import { contract as appContract, QuireError, type Contract, type ErrorCode, type ErrorShape } from '../common/contract'
import type { ContractShape, EventDef, ProcedureDef } from '../common/contract/define'
import type { MessageEndpoint, ServerMessage } from './endpoint'

export interface CallContext {
  /** aborted when the caller cancels or the connection closes */
  signal: AbortSignal
}

type ProcedureHandler<D> =
  D extends ProcedureDef<infer I, infer O> ? (input: z.output<I>, ctx: CallContext) => Promise<z.output<O>> | z.output<O> : never
/** Starts a subscription; returns what stops it. Throwing ends the subscription with that error. */
type EventHandler<D> =
  D extends EventDef<infer I, infer P> ? (input: z.output<I>, emit: (payload: z.output<P>) => void, ctx: CallContext) => (() => void) | void : never

export type HandlersFor<C extends ContractShape> = {
  [N in keyof C]: C[N] extends ProcedureDef ? ProcedureHandler<C[N]> : EventHandler<C[N]>
}
export type Handlers = HandlersFor<Contract>

export interface Router {
  /** Serves one connection until it closes; returns a function that closes it. */
  connect(endpoint: MessageEndpoint): () => void
}

export interface RouterOptions {
  /** Validate outputs and event payloads too (tests); inputs are always validated. */
  validateOutput?: boolean
  /** Where unexpected service errors are reported (never with credentials in them). */
  onInternalError?: (error: unknown, name: string) => void
}

const ClientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative(), name: z.string().max(200), input: z.unknown() }),
  z.object({ t: z.literal('subscribe'), id: z.number().int().nonnegative(), name: z.string().max(200), input: z.unknown() }),
  z.object({ t: z.literal('cancel'), id: z.number().int().nonnegative() }),
])

/** No message may exceed this, whatever the procedure allows: it bounds what is parsed at all. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

function shape(code: ErrorCode, message?: string, details?: Record<string, unknown>): ErrorShape {
  return new QuireError(code, { ...(message ? { message } : {}), ...(details ? { details } : {}) }).toShape()
}

export function createRouter(handlers: Handlers, options?: RouterOptions): Router
export function createRouter<C extends ContractShape>(handlers: HandlersFor<C>, options: RouterOptions | undefined, contract: C): Router
export function createRouter(handlers: HandlersFor<ContractShape>, options: RouterOptions = {}, contract: ContractShape = appContract): Router {
  const toErrorShape = (error: unknown, name: string, signal: AbortSignal): ErrorShape => {
    if (error instanceof QuireError) return error.toShape()
    if (signal.aborted) return shape('CANCELLED')
    options.onInternalError?.(error, name)
    return shape('INTERNAL')
  }

  return {
    connect(endpoint) {
      const running = new Map<number, AbortController>()
      const send = (message: ServerMessage) => endpoint.send(message)

      const start = (id: number): AbortController | undefined => {
        if (running.has(id)) {
          send({ t: 'error', id, error: shape('BAD_INPUT', `Request id ${id} is already in use on this connection.`) })
          return undefined
        }
        const controller = new AbortController()
        running.set(id, controller)
        return controller
      }

      /** Looks the name up and validates the input; sends the error and returns undefined when either fails. */
      const admit = (id: number, name: string, rawInput: unknown, size: number, kind: 'procedure' | 'event') => {
        const def = Object.hasOwn(contract, name) ? contract[name] : undefined
        if (!def || def.kind !== kind) {
          send({ t: 'error', id, error: shape('UNKNOWN_PROCEDURE', `There is no ${kind} named “${name}”.`) })
          return undefined
        }
        if (size > def.maxInputBytes) {
          send({ t: 'error', id, error: shape('PAYLOAD_TOO_LARGE', `The request is ${size} bytes; “${name}” accepts at most ${def.maxInputBytes}.`) })
          return undefined
        }
        const parsed = def.input.safeParse(rawInput)
        if (!parsed.success) {
          send({ t: 'error', id, error: shape('BAD_INPUT', undefined, { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) }) })
          return undefined
        }
        return { def, input: parsed.data }
      }

      const call = async (id: number, name: string, rawInput: unknown, size: number) => {
        const admitted = admit(id, name, rawInput, size, 'procedure')
        if (!admitted) return
        const controller = start(id)
        if (!controller) return
        const handler = handlers[name] as unknown as (input: unknown, ctx: CallContext) => unknown
        try {
          let value = await handler(admitted.input, { signal: controller.signal })
          if (options.validateOutput && admitted.def.kind === 'procedure') value = admitted.def.output.parse(value)
          if (controller.signal.aborted) throw new QuireError('CANCELLED')
          send({ t: 'result', id, value })
        } catch (error) {
          send({ t: 'error', id, error: toErrorShape(error, name, controller.signal) })
        } finally {
          running.delete(id)
        }
      }

      const subscribe = (id: number, name: string, rawInput: unknown, size: number) => {
        const admitted = admit(id, name, rawInput, size, 'event')
        if (!admitted) return
        const controller = start(id)
        if (!controller) return
        const payloadSchema = admitted.def.kind === 'event' ? admitted.def.payload : undefined
        const emit = (value: unknown) => {
          if (controller.signal.aborted) return
          send({ t: 'event', id, value: options.validateOutput && payloadSchema ? payloadSchema.parse(value) : value })
        }
        const handler = handlers[name] as unknown as (input: unknown, emit: (v: unknown) => void, ctx: CallContext) => (() => void) | void
        try {
          const stop = handler(admitted.input, emit, { signal: controller.signal })
          if (stop) controller.signal.addEventListener('abort', stop, { once: true })
        } catch (error) {
          running.delete(id)
          send({ t: 'end', id, error: toErrorShape(error, name, controller.signal) })
        }
      }

      endpoint.onMessage((raw, size) => {
        if (size > MAX_MESSAGE_BYTES) {
          send({ t: 'protocol-error', error: shape('PAYLOAD_TOO_LARGE') })
          return
        }
        const parsed = ClientMessageSchema.safeParse(raw)
        if (!parsed.success) {
          const id = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : undefined
          const error = shape('BAD_INPUT', 'The message does not follow the protocol.')
          send(id === undefined ? { t: 'protocol-error', error } : { t: 'error', id, error })
          return
        }
        const message = parsed.data
        if (message.t === 'cancel') {
          running.get(message.id)?.abort()
          running.delete(message.id)
        } else if (message.t === 'call') {
          void call(message.id, message.name, message.input, size)
        } else {
          subscribe(message.id, message.name, message.input, size)
        }
      })

      const closeAll = () => {
        for (const controller of running.values()) controller.abort()
        running.clear()
      }
      endpoint.onClose(closeAll)
      return () => {
        closeAll()
        endpoint.close()
      }
    },
  }
}

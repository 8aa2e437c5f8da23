import type { ErrorShape } from './errors'

/**
 * The wire protocol both transports carry (MessagePort as structured clone,
 * WebSocket as JSON text). One connection multiplexes calls and subscriptions by id.
 */
export type ClientMessage =
  | { t: 'call'; id: number; name: string; input: unknown }
  | { t: 'subscribe'; id: number; name: string; input: unknown }
  | { t: 'cancel'; id: number }

export type ServerMessage =
  | { t: 'result'; id: number; value: unknown }
  | { t: 'error'; id: number; error: ErrorShape }
  | { t: 'event'; id: number; value: unknown }
  /** the subscription ended on the server side (after an error, or the source closed) */
  | { t: 'end'; id: number; error?: ErrorShape }
  /** a message so malformed that no id could be read from it */
  | { t: 'protocol-error'; error: ErrorShape }

import type { PortLike } from '../rpc/message-port-endpoint'

/** The parts of Electron's MessagePortMain (an EventEmitter) the adapter uses. */
export interface EmitterPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown
  on(event: 'close', listener: () => void): unknown
  start(): void
  close(): void
}

/**
 * Gives Electron's EventEmitter-style MessagePortMain the DOM MessagePort shape
 * `messagePortEndpoint` takes. Posting after either side closed is dropped, as a
 * DOM port does, so a reply to a window that went away is not an error.
 */
export function portLikeFromEmitter(port: EmitterPort): PortLike {
  let closed = false
  port.on('close', () => {
    closed = true
  })
  function addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  function addEventListener(type: 'close', listener: () => void): void
  function addEventListener(type: 'message' | 'close', listener: ((event: { data: unknown }) => void) | (() => void)): void {
    if (type === 'message') port.on('message', (event) => (listener as (event: { data: unknown }) => void)({ data: event.data }))
    else port.on('close', () => (listener as () => void)())
  }
  return {
    postMessage(message) {
      if (!closed) port.postMessage(message)
    },
    addEventListener,
    start: () => port.start(),
    close() {
      if (closed) return
      closed = true
      port.close()
    },
  }
}

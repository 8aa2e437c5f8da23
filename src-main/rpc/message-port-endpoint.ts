import type { MessageEndpoint } from './endpoint'

/**
 * The DOM shape of a MessagePort, which Node's `MessagePort` also has. Electron's
 * `MessagePortMain` is an EventEmitter instead; the shell adapts it to this shape.
 */
export interface PortLike {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  addEventListener(type: 'close', listener: () => void): void
  start(): void
  close(): void
}

/** Structured clone carries the messages; their size is measured as the JSON they would be. */
export function messagePortEndpoint(port: PortLike): MessageEndpoint {
  const endpoint: MessageEndpoint = {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => port.addEventListener('message', (event) => listener(event.data, jsonSize(event.data))),
    onClose: (listener) => port.addEventListener('close', listener),
    close: () => port.close(),
  }
  port.start()
  return endpoint
}

function jsonSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '')
  } catch {
    // cyclic or non-JSON data cannot be a valid call anyway: let validation refuse it
    return 0
  }
}

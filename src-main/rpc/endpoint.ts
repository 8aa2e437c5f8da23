import type { ClientMessage, ServerMessage } from '../common/contract'

/**
 * One message-passing connection, whatever carries it (Electron MessagePort,
 * Node MessageChannel in tests, WebSocket in web mode). `size` is the message's
 * encoded size in bytes, so the router can refuse oversized input before parsing it further.
 */
export interface MessageEndpoint {
  send(message: ServerMessage): void
  onMessage(listener: (message: unknown, size: number) => void): void
  onClose(listener: () => void): void
  close(): void
}

export type { ClientMessage, ServerMessage }

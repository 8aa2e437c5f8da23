import type { ClientMessage, ServerMessage } from '../../src-main/common/contract'

/** The renderer's end of one message-passing link to main (MessagePort or WebSocket). */
export interface Connection {
  send(message: ClientMessage): void
  onMessage(listener: (message: ServerMessage) => void): void
  onClose(listener: () => void): void
  close(): void
}

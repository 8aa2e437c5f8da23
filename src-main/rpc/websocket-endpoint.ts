import type { WebSocket } from 'ws'
import type { MessageEndpoint } from './endpoint'

/** JSON text frames over a `ws` socket; binary frames are not part of the protocol. */
export function webSocketEndpoint(socket: WebSocket): MessageEndpoint {
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
    },
    onMessage(listener) {
      socket.on('message', (data, isBinary) => {
        const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength
        if (isBinary) return listener(undefined, size)
        let parsed: unknown
        try {
          parsed = JSON.parse(data.toString())
        } catch {
          parsed = undefined
        }
        listener(parsed, size)
      })
    },
    onClose: (listener) => socket.on('close', listener),
    close: () => socket.close(),
  }
}

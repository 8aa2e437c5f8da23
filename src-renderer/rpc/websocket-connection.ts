import type { ServerMessage } from '../../src-main/common/contract'
import type { Connection } from './connection'

type WebSocketLike = Pick<WebSocket, 'send' | 'close' | 'addEventListener' | 'readyState'>

/**
 * Web mode: JSON over a WebSocket to the page's own origin. The constructor is a
 * parameter so the same code runs under Node in tests (with the `ws` package).
 */
export function openWebSocket(url: string, Impl: new (url: string) => WebSocketLike = WebSocket): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = new Impl(url)
    const closeListeners: (() => void)[] = []
    let opened = false
    socket.addEventListener('open', () => {
      opened = true
      resolve({
        send: (message) => {
          if (socket.readyState === 1) socket.send(JSON.stringify(message))
          else closeListeners.forEach((l) => l())
        },
        onMessage: (listener) =>
          socket.addEventListener('message', (event: MessageEvent) => {
            if (typeof event.data === 'string') listener(JSON.parse(event.data) as ServerMessage)
          }),
        onClose: (listener) => closeListeners.push(listener),
        close: () => socket.close(),
      })
    })
    socket.addEventListener('close', () => {
      if (!opened) reject(new Error('Could not reach Quire’s main process.'))
      closeListeners.forEach((l) => l())
    })
    socket.addEventListener('error', () => {
      if (!opened) reject(new Error('Could not reach Quire’s main process.'))
    })
  })
}

/** The RPC socket lives beside the page, under the same token path. */
export function rpcUrlFor(pageUrl: string): string {
  const url = new URL('rpc', pageUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.search = ''
  url.hash = ''
  return url.toString()
}

import type { ServerMessage } from '../../src-main/common/contract'
import type { Connection } from './connection'

type PortLike = Pick<MessagePort, 'postMessage' | 'start' | 'close'> & {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  addEventListener(type: 'close', listener: () => void): void
}

/** Electron: the MessagePort main handed over through the preload; structured clone, no JSON. */
export function fromMessagePort(port: PortLike): Connection {
  const connection: Connection = {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => port.addEventListener('message', (event) => listener(event.data as ServerMessage)),
    onClose: (listener) => port.addEventListener('close', listener),
    close: () => port.close(),
  }
  port.start()
  return connection
}

/** The preload posts the port to this window once main has checked who asked for it. */
export function awaitElectronPort(target: Window = window): Promise<MessagePort> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.source === target && event.data === 'quire:port' && event.ports[0]) {
        target.removeEventListener('message', onMessage)
        resolve(event.ports[0])
      }
    }
    target.addEventListener('message', onMessage)
  })
}

import { createClient, type Client } from './client'
import { awaitElectronPort, fromMessagePort } from './message-port-connection'
import { openWebSocket, rpcUrlFor } from './websocket-connection'

/** Electron serves the renderer from app://quire/ and hands over a port; anything else is web mode. */
export async function connectToMain(): Promise<Client> {
  if (location.protocol === 'app:') return createClient(fromMessagePort(await awaitElectronPort()))
  return createClient(await openWebSocket(rpcUrlFor(location.href)))
}

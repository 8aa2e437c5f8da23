import { ipcRenderer } from 'electron'
import { CONNECT_CHANNEL, PORT_MESSAGE } from './bridge-channels'

// The whole preload: it exposes nothing through contextBridge. It asks main for
// an RPC port and hands it to the page with window.postMessage, the one way a
// MessagePort crosses from the isolated world into the page's world. The page
// detects Electron by `location.protocol === 'app:'` and takes `event.ports[0]`
// from the message whose data is PORT_MESSAGE.

const pageLoaded = new Promise<void>((resolve) => {
  if (document.readyState === 'complete') resolve()
  else window.addEventListener('load', () => resolve(), { once: true })
})

ipcRenderer.on(PORT_MESSAGE, (event) => {
  // Wait for load: by then every script of the page has run and its listener is in place.
  void pageLoaded.then(() => window.postMessage(PORT_MESSAGE, window.location.origin, [...event.ports]))
})

ipcRenderer.send(CONNECT_CHANNEL)

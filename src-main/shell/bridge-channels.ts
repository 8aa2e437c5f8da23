/** Sent by the preload over ipcRenderer to ask main for an RPC port. */
export const CONNECT_CHANNEL = 'quire:connect'
/**
 * The IPC channel main answers on with the port, and the `data` of the window
 * message the preload forwards it in (the renderer waits for exactly this).
 */
export const PORT_MESSAGE = 'quire:port'

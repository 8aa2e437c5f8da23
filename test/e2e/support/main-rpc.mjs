// Calls main's procedures over web mode's WebSocket, as the renderer does: for the demo and for
// e2e set-up steps that are not what a test is about (adding the second account, say).
import WebSocket from 'ws'

/** The RPC socket beside the page (see src-renderer/rpc/websocket-connection.ts). */
function rpcUrl(pageUrl) {
  const url = new URL('rpc', pageUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.search = ''
  url.hash = ''
  return url.toString()
}

export async function callMain(pageUrl, name, input) {
  const socket = new WebSocket(rpcUrl(pageUrl))
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  try {
    return await new Promise((resolve, reject) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data))
        if (message.id !== 1) return
        if (message.t === 'result') resolve(message.value)
        else if (message.t === 'error') reject(Object.assign(new Error(`${name}: ${message.error.message}`), { code: message.error.code }))
      })
      socket.once('close', () => reject(new Error(`${name}: the connection closed`)))
      socket.send(JSON.stringify({ t: 'call', id: 1, name, input }))
    })
  } finally {
    socket.close()
  }
}

/** Account settings for a user of the test servers (servers.env), over implicit TLS. */
export function testAccountSettings({ host, imapPort, smtpPort }, { email, name, color }) {
  return {
    name,
    displayName: name,
    email,
    username: email,
    imap: { host, port: imapPort, security: 'tls' },
    smtp: { host, port: smtpPort, security: 'tls' },
    maxConnections: 3,
    pollIntervalSeconds: 30,
    prefetchDays: 30,
    color,
  }
}

import { randomUUID } from 'node:crypto'
import { createTransport } from 'nodemailer'
import type { ServersEnv } from '../../servers/servers-env'

/** Delivers a message into `to`'s INBOX the way mail arrives: over LMTP into Dovecot. Returns its subject. */
export async function deliver(servers: ServersEnv, to: string, subject = `delivered ${randomUUID()}`): Promise<string> {
  const transport = createTransport({ host: servers.lmtp.host, port: servers.lmtp.port, lmtp: true, secure: false, tls: { ca: servers.caCert } })
  try {
    const sent = await transport.sendMail({ from: 'sender@example.test', to, subject, text: `This is ${subject}.` })
    if (sent.accepted.length !== 1) throw new Error(`LMTP did not accept the message for ${to}: ${JSON.stringify(sent.rejected)}`)
  } finally {
    transport.close()
  }
  return subject
}

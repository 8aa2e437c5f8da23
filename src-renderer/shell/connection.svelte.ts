import type { ProcedureOutput } from '../../src-main/common/contract'
import type { Client } from '../rpc/client'
import { connectToMain } from '../rpc/connect'

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected'

/** The link to main as the UI sees it: status, who answers, and a live heartbeat. */
class MainConnection {
  status = $state<ConnectionStatus>('connecting')
  info = $state<ProcedureOutput<'app.info'> | undefined>()
  lastBeat = $state<number | undefined>()
  error = $state<string | undefined>()
  /** resolves once main answered; features call through this */
  readonly ready: Promise<Client>
  private resolveReady!: (client: Client) => void

  constructor() {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve))
  }

  async start() {
    try {
      const client = await connectToMain()
      client.onClose(() => (this.status = 'disconnected'))
      this.info = await client.call('app.info', {})
      this.status = 'connected'
      client.subscribe('app.ping', { intervalMs: 5000 }, { onEvent: (beat) => (this.lastBeat = beat.sentAt) })
      this.resolveReady(client)
    } catch (error) {
      this.status = 'disconnected'
      this.error = error instanceof Error ? error.message : String(error)
    }
  }
}

export const mainConnection = new MainConnection()

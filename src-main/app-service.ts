import type { Handlers } from './rpc/router'
import type { z } from 'zod'
import type { AppMode } from './common/contract/app'
import { productName, version } from '../package.json'

type AppHandlers = Pick<Handlers, 'app.info' | 'app.echo' | 'app.ping'>

/** The app's own procedures: who and what is answering, and a heartbeat. */
export function appHandlers(mode: z.infer<typeof AppMode>): AppHandlers {
  return {
    'app.info': () => ({ name: productName, version, mode, platform: process.platform }),
    'app.echo': ({ text }) => ({ text }),
    'app.ping': ({ intervalMs }, emit) => {
      let seq = 0
      const beat = () => emit({ seq: seq++, sentAt: Date.now() })
      beat()
      const timer = setInterval(beat, intervalMs)
      return () => clearInterval(timer)
    },
  }
}

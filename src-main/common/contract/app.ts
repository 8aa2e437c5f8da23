import { z } from 'zod'
import { event, procedure } from './define'

export const AppMode = z.enum(['electron', 'web'])

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: AppMode,
  platform: z.string(),
})

export const appContract = {
  /** Name, version and how the app runs; the footer shows it. */
  'app.info': procedure({ input: z.object({}).strict(), output: AppInfo }),
  /** Echoes a text back: a round trip anyone can see working. */
  'app.echo': procedure({ input: z.object({ text: z.string().max(10_000) }).strict(), output: z.object({ text: z.string() }) }),
  /** A heartbeat from main every `intervalMs`: the UI shows the connection is live. */
  'app.ping': event({
    input: z.object({ intervalMs: z.number().int().min(100).max(60_000) }).strict(),
    payload: z.object({ seq: z.number().int(), sentAt: z.number() }),
  }),
}

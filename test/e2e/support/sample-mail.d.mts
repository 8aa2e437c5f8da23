export interface SampleMessage {
  folder: string
  raw: Buffer
  flags: string[]
  date: Date
}

export function random(seed: number): () => number
export function sampleMailbox(options: {
  owner: { name: string; address: string }
  count?: number
  seed?: number
  now?: number
  remoteBase?: string | null
  domain?: string
}): Promise<SampleMessage[]>
export function appendMailbox(server: { host: string; port: number; ca: string; user: string; password: string }, messages: readonly SampleMessage[]): Promise<void>

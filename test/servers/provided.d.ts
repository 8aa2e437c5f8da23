import type { ServersEnv } from './servers-env'

// What global-setup.ts provides to integration tests: `inject('servers')`.
declare module 'vitest' {
  export interface ProvidedContext {
    servers: ServersEnv
  }
}

import type { z } from 'zod'
import { accountsContract } from './accounts'
import { appContract } from './app'
import { calendarContract } from './calendar'
import { composeContract } from './compose'
import { contactsContract } from './contacts'
import { davAccountsContract } from './dav-accounts'
import { directoryContract } from './directory'
import { mailContract } from './mail'
import { smimeContract } from './smime'
import type { EventDef, ProcedureDef } from './define'

/** Every procedure and event main offers the renderer. */
export const contract = {
  ...appContract,
  ...accountsContract,
  ...davAccountsContract,
  ...mailContract,
  ...composeContract,
  ...calendarContract,
  ...contactsContract,
  ...directoryContract,
  ...smimeContract,
}

export type Contract = typeof contract

type Defs<K> = { [N in keyof Contract as Contract[N] extends K ? N : never]: Contract[N] }
export type ProcedureName = keyof Defs<ProcedureDef>
export type EventName = keyof Defs<EventDef>

export type ProcedureInput<N extends ProcedureName> = z.input<Contract[N]['input']>
export type ProcedureOutput<N extends ProcedureName> = z.output<Contract[N] extends ProcedureDef<z.ZodType, infer O> ? O : never>
export type EventInput<N extends EventName> = z.input<Contract[N]['input']>
export type EventPayload<N extends EventName> = z.output<Contract[N] extends EventDef<z.ZodType, infer P> ? P : never>

export * from './errors'
export type * from './protocol'
export { DEFAULT_MAX_INPUT_BYTES } from './define'

import type { ProcedureInput, ProcedureName, ProcedureOutput } from '../../../src-main/common/contract'
import type { AccountSettings } from '../../../src-main/common/domain/account'

export function callMain<N extends ProcedureName>(pageUrl: string, name: N, input: ProcedureInput<N>): Promise<ProcedureOutput<N>>
export function testAccountSettings(server: { host: string; imapPort: number; smtpPort: number }, account: { email: string; name: string; color: string }): AccountSettings

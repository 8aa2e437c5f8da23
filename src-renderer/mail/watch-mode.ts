import type { AccountStatus } from './mail-status.svelte'

/**
 * How an account hears about changes, in a few words for the settings: pushed by the server
 * (IMAP NOTIFY) or checked on an interval the user can change (Edit account → advanced settings).
 */
export function watchModeText(status: AccountStatus | undefined): string | null {
  if (!status?.watch || status.state !== 'online') return null
  const { mode, pollSeconds } = status.watch
  const every = `${Number.isInteger(pollSeconds) ? pollSeconds : pollSeconds.toFixed(1)} s`
  if (mode === 'notify') return 'push (NOTIFY)'
  if (mode === 'idle-poll') return `push for Inbox, other folders checked every ${every}`
  return `checks every ${every}`
}

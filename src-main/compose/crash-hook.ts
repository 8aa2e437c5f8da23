/** The moments of a send where a crash is most interesting: nothing sent yet, sent but not filed, filed but not finished. */
export const CRASH_POINTS = ['before-data', 'after-accept', 'after-sent'] as const
export type CrashPoint = (typeof CRASH_POINTS)[number]

/** Called at each point; tests make it throw (integration) or stop the process dead (e2e). */
export type CrashHook = (point: CrashPoint) => Promise<void>

/**
 * TEST ONLY. `QUIRE_TEST_CRASH_AT=before-data|after-accept|after-sent`, read once when main starts,
 * makes the first send that reaches that point print `QUIRE_TEST_CRASH_AT=<point>` on stdout and
 * then wait forever, holding its connections, for the test to kill the process (SIGKILL). The e2e
 * tests start web mode with it and restart it without, to prove a crash there neither loses the
 * message nor sends it twice. Unset (always, outside those tests), it does nothing.
 */
export function crashHookFromEnvironment(value: string | undefined = process.env.QUIRE_TEST_CRASH_AT): CrashHook | undefined {
  if (!value) return undefined
  const point = CRASH_POINTS.find((p) => p === value)
  if (!point) throw new Error(`QUIRE_TEST_CRASH_AT must be one of ${CRASH_POINTS.join(', ')}, not “${value}”.`)
  let fired = false
  return async (reached) => {
    if (reached !== point || fired) return
    fired = true
    process.stdout.write(`QUIRE_TEST_CRASH_AT=${point}\n`)
    await new Promise<never>(() => undefined)
  }
}

export type WakeReason = 'resume' | 'network'

export interface WakeDetectorOptions {
  intervalMs: number
  /** a tick this much later than planned means the process was suspended */
  jumpMs: number
  now: () => number
  networkFingerprint: () => string
  onWake: (reason: WakeReason) => void
}

/**
 * Notices a sleep/resume (a timer tick that arrives long after it was due: the wall clock jumped)
 * and a network change (the set of interface addresses differs). Sockets opened before either are
 * usually dead without knowing it, so the caller reconnects at once instead of waiting for a
 * timeout. Returns what stops it.
 */
export function watchWake(options: WakeDetectorOptions): () => void {
  let last = options.now()
  let network = safeFingerprint(options) ?? ''
  const timer = setInterval(() => {
    const now = options.now()
    const late = now - last - options.intervalMs
    last = now
    const current = safeFingerprint(options) ?? network
    if (late > options.jumpMs) {
      network = current
      options.onWake('resume')
    } else if (current !== network) {
      network = current
      options.onWake('network')
    }
  }, options.intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

function safeFingerprint(options: WakeDetectorOptions): string | undefined {
  try {
    return options.networkFingerprint()
  } catch {
    // os.networkInterfaces() can throw while interfaces change; the next tick looks again
    return undefined
  }
}

export interface BackoffPolicy {
  /** the first wait */
  baseMs: number
  /** no wait is longer than this */
  capMs: number
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, the other half
 * random, so many clients that lost the same server do not come back in lock step.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(exponential / 2 + (random() * exponential) / 2)
}

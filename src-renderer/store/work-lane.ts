/**
 * Runs one folder's (or one account's) work one job at a time, in order. Syncs coalesce: however
 * many are asked for while one runs, one more follows it, because that one sees every change
 * that prompted them (a burst of IDLE notifications costs two syncs, not twenty).
 */
export class WorkLane {
  private tail: Promise<unknown> = Promise.resolve()
  private waiting: Promise<void> | null = null

  /** Runs `job` after the work ahead of it, unless a coalescing job that has not started yet is already waiting. */
  coalesce(job: () => Promise<void>): Promise<void> {
    if (this.waiting) return this.waiting
    const run = this.tail.then(() => {
      this.waiting = null
      return job()
    })
    this.waiting = run
    this.tail = run.catch(() => {})
    return run
  }

  /** Runs `job` after the work ahead of it. */
  enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job)
    this.tail = run.catch(() => {})
    return run
  }
}

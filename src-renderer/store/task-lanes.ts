import type { RpcError } from '../rpc/client'

/** A stored task as every queue keeps it: ordered by id, with its retry state. */
export interface LaneTask {
  id: number
  attempts: number
  nextAttemptAt: number
}

export interface TaskLanesOptions {
  /** first retry delay after a failure that may pass; it doubles up to `retryMaxMs` */
  retryBaseMs?: number
  retryMaxMs?: number
  now?: () => number
}

/** What a queue tells its lanes: where a lane's tasks are, how one is sent, what to call it in a log. */
export interface LaneSteps<Lane, Task extends LaneTask> {
  /** one string per lane (an account, an account's calendar) */
  key(lane: Lane): string
  /** the lane's oldest task; none when the lane is empty */
  next(lane: Lane): Promise<Task | undefined>
  /** sends the task and records the answer (done, retry later, refused); the lane then looks again */
  send(lane: Lane, task: Task, signal: AbortSignal): Promise<void>
  /** a task that must not go now whatever its time, e.g. one being taken back; waits for the next kick */
  held?(task: Task): boolean
  /** for the console, e.g. "changes for account a1" */
  describe(lane: Lane): string
}

interface Runner<Lane> {
  lane: Lane
  running: boolean
  /** something changed since the runner last looked: look again before going idle */
  kicked: boolean
  wake: (() => void) | null
  inFlight: { id: number; answered: Promise<void> } | null
}

/**
 * The runner under each queue of the user's changes (DESIGN.md flow 2): per lane the stored tasks
 * go to main one at a time, strictly in order — a task that must wait holds back every later one
 * of its lane — while lanes run side by side. A kick (a new task, the server back) wakes a waiting
 * lane; a failure that may pass is retried with exponential backoff.
 */
export class TaskLanes<Lane, Task extends LaneTask> {
  private readonly runners = new Map<string, Runner<Lane>>()
  private controller = new AbortController()
  private running = false
  private readonly retryBaseMs: number
  private readonly retryMaxMs: number
  readonly now: () => number

  constructor(
    private readonly steps: LaneSteps<Lane, Task>,
    options: TaskLanesOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 1000
    this.retryMaxMs = options.retryMaxMs ?? 5 * 60_000
    this.now = options.now ?? Date.now
  }

  get started(): boolean {
    return this.running
  }

  /** Lets lanes run; false when they already could. The queue then kicks the lanes it has tasks for. */
  start(): boolean {
    if (this.running) return false
    this.running = true
    this.controller = new AbortController()
    return true
  }

  /** Stops sending; an answer still on its way is ignored and its task is sent again next start. */
  stop(): void {
    this.running = false
    this.controller.abort()
    for (const runner of this.runners.values()) runner.wake?.()
    // runners still finishing an answer end by themselves; the next start makes new ones
    this.runners.clear()
  }

  kick(lane: Lane): void {
    if (!this.running) return
    const key = this.steps.key(lane)
    let runner = this.runners.get(key)
    if (!runner) {
      runner = { lane, running: false, kicked: false, wake: null, inFlight: null }
      this.runners.set(key, runner)
    }
    runner.kicked = true
    if (runner.running) return runner.wake?.()
    runner.running = true
    const current = runner
    this.run(current, this.controller.signal).catch((error: unknown) => {
      current.running = false
      console.error(`Quire stopped sending ${this.steps.describe(lane)}:`, error)
    })
  }

  /** Kicks every lane that ran since start, e.g. after a held task was let go. */
  kickAll(): void {
    for (const runner of this.runners.values()) this.kick(runner.lane)
  }

  /** Resolves once none of these tasks is on its way to main. */
  async answered(ids: readonly number[]): Promise<void> {
    for (const runner of this.runners.values()) if (runner.inFlight && ids.includes(runner.inFlight.id)) await runner.inFlight.answered
  }

  /** The retry state after a failure that may pass: the attempt counted, the next one later by the backoff. */
  backoff(task: Task, error: RpcError): { attempts: number; nextAttemptAt: number; lastError: string } {
    const attempts = task.attempts + 1
    const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (attempts - 1))
    return { attempts, nextAttemptAt: this.now() + delay, lastError: error.message }
  }

  private async run(runner: Runner<Lane>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      runner.kicked = false
      const task = await this.steps.next(runner.lane)
      if (signal.aborted) return
      if (!task) {
        if (runner.kicked) continue
        // in the same turn as the decision, or a kick in between would find a runner that is leaving
        runner.running = false
        return
      }
      const wait = this.steps.held?.(task) ? Infinity : task.nextAttemptAt - this.now()
      if (wait > 0) {
        await this.pause(runner, wait)
        continue
      }
      const answered = this.steps.send(runner.lane, task, signal)
      runner.inFlight = { id: task.id, answered }
      await answered
      runner.inFlight = null
    }
  }

  private pause(runner: Runner<Lane>, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => done(), ms) : undefined
      const done = () => {
        clearTimeout(timer)
        runner.wake = null
        resolve()
      }
      runner.wake = done
    })
  }
}

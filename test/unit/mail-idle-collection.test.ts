import { IdleCollection } from '../../src-main/mail/idle-collection'

describe('collecting after a burst of syncing', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('collects once syncing has paused, only after a burst large enough', () => {
    const collect = vi.fn()
    const idle = new IdleCollection(5000, 2000, collect)
    idle.noteSynced(1000)
    vi.advanceTimersByTime(10_000)
    expect(collect).not.toHaveBeenCalled()

    idle.noteSynced(1000)
    vi.advanceTimersByTime(4000)
    // more headers arrive: the quiet period starts again
    idle.noteSynced(5000)
    vi.advanceTimersByTime(4000)
    expect(collect).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1000)
    expect(collect).toHaveBeenCalledTimes(1)

    // a quiet poll afterwards brings nothing to collect
    idle.noteSynced(0)
    vi.advanceTimersByTime(10_000)
    expect(collect).toHaveBeenCalledTimes(1)
    idle.close()
  })

  it('collects once after start, later when a sync burst follows', () => {
    const collect = vi.fn()
    const idle = new IdleCollection(5000, 2000, collect)
    idle.noteStarted()
    vi.advanceTimersByTime(4000)
    expect(collect).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1000)
    expect(collect).toHaveBeenCalledTimes(1)

    // a burst right after start: one collection once it has paused, not one in the middle of it
    idle.noteStarted()
    vi.advanceTimersByTime(3000)
    idle.noteSynced(5000)
    vi.advanceTimersByTime(4000)
    expect(collect).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1000)
    expect(collect).toHaveBeenCalledTimes(2)
    idle.close()
  })

  it('uses V8’s own low-memory collection by default, which frees unreachable memory', () => {
    vi.useRealTimers()
    const idle = new IdleCollection(0, 1)
    let garbage: object | null = { big: new Array(1000).fill(0) }
    const ref = new WeakRef(garbage)
    garbage = null
    return new Promise<void>((resolve) => {
      idle.noteSynced(1)
      setTimeout(() => {
        expect(ref.deref()).toBeUndefined()
        idle.close()
        resolve()
      }, 500)
    })
  })
})

import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { PageIdleCollection, startPageIdleCollection, type ExposedGc } from '../../src-renderer/shell/idle-collection'

describe('the page collects after a burst of writes', () => {
  it('collects once writing has paused, only after a burst large enough', () => {
    vi.useFakeTimers()
    try {
      const collect = vi.fn()
      const idle = new PageIdleCollection(collect, 5000, 10)
      for (let i = 0; i < 9; i++) idle.noteWrite()
      vi.advanceTimersByTime(10_000)
      expect(collect).not.toHaveBeenCalled()

      idle.noteWrite()
      vi.advanceTimersByTime(4000)
      // another write: the quiet period starts again
      idle.noteWrite()
      vi.advanceTimersByTime(4000)
      expect(collect).not.toHaveBeenCalled()
      vi.advanceTimersByTime(1000)
      expect(collect).toHaveBeenCalledTimes(1)

      // a single write afterwards (a flag changed) is no burst
      idle.noteWrite()
      vi.advanceTimersByTime(10_000)
      expect(collect).toHaveBeenCalledTimes(1)
      idle.close()
    } finally {
      vi.useRealTimers()
    }
  })

  it('collects once quiet after a burst of work that wrote nothing (the start on a large mailbox)', () => {
    vi.useFakeTimers()
    try {
      const collect = vi.fn()
      const idle = new PageIdleCollection(collect, 5000, 10)
      idle.noteBurst()
      vi.advanceTimersByTime(500)
      expect(collect).not.toHaveBeenCalled()
      vi.advanceTimersByTime(500)
      expect(collect).toHaveBeenCalledTimes(1)
      // writes begun right after a burst postpone its collection until they pause
      idle.noteBurst()
      vi.advanceTimersByTime(500)
      idle.noteWrite()
      vi.advanceTimersByTime(4000)
      expect(collect).toHaveBeenCalledTimes(1)
      vi.advanceTimersByTime(1000)
      expect(collect).toHaveBeenCalledTimes(2)
      idle.close()
    } finally {
      vi.useRealTimers()
    }
  })

  it("follows the page's IndexedDB writes and runs V8's releasing collection when idle", async () => {
    vi.stubGlobal('requestIdleCallback', (run: () => void) => setTimeout(run, 0))
    const db = new Dexie(`idle-collection-${Date.now()}`)
    db.version(1).stores({ rows: 'id' })
    const gc = vi.fn<ExposedGc>()
    const stop = startPageIdleCollection({ gc, quietMs: 50 })
    try {
      for (let id = 0; id < 12; id++) await db.table('rows').put({ id })
      await vi.waitFor(() => expect(gc).toHaveBeenCalledWith({ type: 'major', execution: 'sync', flavor: 'last-resort' }))
      expect(gc).toHaveBeenCalledTimes(1)
    } finally {
      stop()
      db.close()
      await Dexie.delete(db.name)
      vi.unstubAllGlobals()
    }
  })

  it('does nothing where the host does not expose gc (a browser)', () => {
    const on = vi.spyOn(Dexie, 'on')
    const stop = startPageIdleCollection({ gc: undefined })
    expect(on).not.toHaveBeenCalled()
    stop()
    on.mockRestore()
  })
})

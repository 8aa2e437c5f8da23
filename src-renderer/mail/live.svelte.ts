import { liveQuery } from 'dexie'
import type { Subscribable } from '../store/watched-read'

/**
 * A Dexie query the UI follows: re-run by Dexie whenever what it read changes. `source` is read
 * inside an effect, so the query is rebuilt when the reactive values it uses change; it returns
 * null while there is nothing to ask. Values are kept raw (not deeply proxied): lists of a hundred
 * thousand keys stay plain arrays. A source may also give a ready subscription (`watchedRead`: a
 * read followed by the ranges it names rather than by every key it saw).
 */
export class Live<T> {
  value = $state.raw<T>() as T
  error = $state.raw<unknown>(undefined)
  loading = $state(true)

  constructor(source: () => (() => Promise<T>) | Subscribable<T> | null, initial: T) {
    this.value = initial
    $effect(() => {
      const query = source()
      if (!query) return
      this.loading = true
      const subscription = (typeof query === 'function' ? liveQuery(query) : query).subscribe({
        next: (value) => {
          this.value = value
          this.error = undefined
          this.loading = false
        },
        error: (error: unknown) => {
          this.error = error
          this.loading = false
        },
      })
      return () => subscription.unsubscribe()
    })
  }
}

/**
 * A value the UI can watch without knowing about the store's internals. It keeps Svelte's store
 * contract (`subscribe` calls back at once and returns the unsubscriber), so a component can
 * read it as `$value`; anything else can call `get`.
 */
export class ObservableValue<T> {
  #value: T
  readonly #listeners = new Set<(value: T) => void>()

  constructor(value: T) {
    this.#value = value
  }

  get(): T {
    return this.#value
  }

  set(value: T): void {
    this.#value = value
    for (const listener of [...this.#listeners]) listener(value)
  }

  subscribe(listener: (value: T) => void): () => void {
    this.#listeners.add(listener)
    listener(this.#value)
    return () => this.#listeners.delete(listener)
  }
}

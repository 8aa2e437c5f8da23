const STORAGE_KEY = 'quire.mail.remote-content-senders'

function load(): string[] {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown
    return Array.isArray(stored) ? stored.filter((item): item is string => typeof item === 'string') : []
  } catch {
    return []
  }
}

/**
 * Senders whose messages may load remote content (images), chosen with "Always for this sender".
 * Kept by address, case-folded, in this profile's storage.
 */
class RemoteContentSenders {
  senders = $state<string[]>(load())

  allows(address: string | undefined): boolean {
    return address !== undefined && this.senders.includes(address.toLowerCase())
  }

  allow(address: string): void {
    const normalised = address.toLowerCase()
    if (this.senders.includes(normalised)) return
    this.senders = [...this.senders, normalised]
    localStorage.setItem(STORAGE_KEY, JSON.stringify(this.senders))
  }

  forget(address: string): void {
    this.senders = this.senders.filter((sender) => sender !== address.toLowerCase())
    localStorage.setItem(STORAGE_KEY, JSON.stringify(this.senders))
  }
}

export const remoteContentSenders = new RemoteContentSenders()

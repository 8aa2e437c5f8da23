import { linkTarget, misleadingLink } from './resource-url'

/**
 * Opening a link from a message: outside the app (the system browser in Electron, a new tab in web
 * mode, both without a referrer). A link whose text names another address than it goes to is
 * shown first, with its real target, for the user to confirm.
 */
class LinkOpener {
  pending = $state<{ target: string; text: string } | null>(null)

  request(raw: string, text: string): void {
    // checked again here: only web, mail and phone links ever leave the app
    const target = linkTarget(raw)
    if (!target) return
    if (misleadingLink(text, target)) this.pending = { target, text: text.trim() }
    else this.go(target)
  }

  confirm(): void {
    const pending = this.pending
    this.pending = null
    if (pending) this.go(pending.target)
  }

  cancel(): void {
    this.pending = null
  }

  private go(target: string): void {
    window.open(target, '_blank', 'noopener,noreferrer')
  }
}

export const linkOpener = new LinkOpener()

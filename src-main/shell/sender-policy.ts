import { isAppUrl } from './app-protocol'

/** The parts of Electron's WebFrameMain the check reads. */
export interface FrameLike {
  readonly url: string
  readonly processId: number
  readonly routingId: number
  readonly detached?: boolean
  readonly parent?: unknown
}

/**
 * Whether an IPC message may open an RPC connection: it must come from the
 * window's main frame (not an iframe, not another window), and that frame must
 * show the app (`app://quire/...`), not a page it was navigated to.
 */
export function isTrustedSender(frame: FrameLike | null | undefined, mainFrame: FrameLike | null | undefined): boolean {
  if (!frame || !mainFrame) return false
  try {
    if (frame.detached || frame.parent) return false
    const same = frame === mainFrame || (frame.processId === mainFrame.processId && frame.routingId === mainFrame.routingId)
    return same && isAppUrl(frame.url)
  } catch {
    // Electron throws when a disposed frame is read; such a frame is trusted with nothing
    return false
  }
}

import type { WebSocket } from 'ws'
import type { MessageEndpoint } from './endpoint'

/**
 * The most UTF-16 code units of a reply written as one WebSocket frame: at most 96 KiB of UTF-8,
 * under glibc's initial 128 KiB mmap threshold. A reply of 2000 headers is about 1.5 MB of JSON;
 * written whole, its bytes are one allocation that glibc serves with mmap, and freeing it raises
 * glibc's mmap and trim thresholds to its size for the rest of the process, after which every
 * thread's malloc arena keeps up to twice that of freed memory (measured after a 100k sync:
 * the arenas 19 MB resident, 5 MB with the threshold left where it starts).
 */
export const MAX_FRAGMENT_UNITS = 32 * 1024

/** JSON text frames over a `ws` socket; binary frames are not part of the protocol. */
export function webSocketEndpoint(socket: WebSocket): MessageEndpoint {
  return {
    send(message) {
      if (socket.readyState !== socket.OPEN) return
      const text = JSON.stringify(message)
      // a long message goes as fragments of one message (RFC 6455 §5.4): the receiver sees it whole
      for (const [fragment, last] of fragmentsOf(text, MAX_FRAGMENT_UNITS)) socket.send(fragment, { binary: false, fin: last })
    },
    onMessage(listener) {
      socket.on('message', (data, isBinary) => {
        const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength
        if (isBinary) return listener(undefined, size)
        let parsed: unknown
        try {
          parsed = JSON.parse(data.toString())
        } catch {
          parsed = undefined
        }
        listener(parsed, size)
      })
    },
    onClose: (listener) => socket.on('close', listener),
    close: () => socket.close(),
  }
}

/**
 * `text` in pieces of at most `units` UTF-16 code units, each with whether it is the last; a cut
 * never falls inside a surrogate pair, which each piece's UTF-8 encoding would otherwise replace.
 */
export function* fragmentsOf(text: string, units: number): Generator<[string, boolean]> {
  let start = 0
  while (text.length - start > units) {
    let end = start + units
    if (isHighSurrogate(text.charCodeAt(end - 1))) end--
    yield [text.slice(start, end), false]
    start = end
  }
  yield [text.slice(start), true]
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff

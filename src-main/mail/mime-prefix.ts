import type { MessageStructureObject } from 'imapflow'

/** Where a part's body lies within the first bytes of a message's BODY[TEXT]. */
export interface PartPrefix {
  /** the start of the part's body (still transfer-encoded) */
  body: Buffer
  /** the prefix ended before the part did: more of it exists on the server */
  truncated: boolean
}

/**
 * Finds part `partId` (RFC 3501 §6.4.5 numbering) inside `text`, the first bytes of BODY[TEXT],
 * by following the multipart boundaries BODYSTRUCTURE names (RFC 2046 §5.1.1). This lets one
 * FETCH carry both the headers and the start of the text a snippet needs. Returns null when the
 * part does not start within `text` or the bytes do not look like the structure says.
 */
export function partPrefix(root: MessageStructureObject, partId: string, text: Buffer): PartPrefix | null {
  let node = root
  let body = text
  const steps = partId.split('.').map(Number)
  if (!node.type.toLowerCase().startsWith('multipart/')) {
    // a single-part message has only part "1": its body is TEXT
    if (steps.length !== 1 || steps[0] !== 1) return null
  } else {
    for (const step of steps) {
      const boundary = node.parameters?.boundary
      const child = node.childNodes?.[step - 1]
      if (!boundary || !child || !node.type.toLowerCase().startsWith('multipart/')) return null
      const part = nthPart(body, boundary, step)
      if (!part) return null
      // a part's own MIME header ends at the first empty line (RFC 2045 §3); it may have none
      const headerEnd = part[0] === 0x0d && part[1] === 0x0a ? -2 : part.indexOf('\r\n\r\n')
      if (headerEnd === -1) return null
      body = part.subarray(headerEnd + 4)
      node = child
    }
  }
  // BODYSTRUCTURE gives the part's exact size in octets
  return { body, truncated: body.length < (node.size ?? Number.POSITIVE_INFINITY) }
}

/** The bytes of the n-th part (1-based) between delimiter lines "--boundary" (RFC 2046 §5.1.1). */
function nthPart(body: Buffer, boundary: string, n: number): Buffer | null {
  const delimiter = `--${boundary}`
  let index = -1
  let from = 0
  for (let seen = 0; seen < n; ) {
    const at = body.indexOf(delimiter, from)
    if (at < 0) return null
    from = at + delimiter.length
    // a delimiter starts a line
    if (at === 0 || body[at - 1] === 0x0a) {
      seen++
      index = at
    }
  }
  const lineEnd = body.indexOf('\r\n', index)
  if (lineEnd < 0) return null
  const start = lineEnd + 2
  const next = body.indexOf(`\r\n${delimiter}`, start)
  return next < 0 ? body.subarray(start) : body.subarray(start, next)
}

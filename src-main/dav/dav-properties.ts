/**
 * Reading WebDAV properties as tsdav's XML converter (xml-js, compact form) gives them: a single
 * child is an object, several an array. Shared by the CalDAV and CardDAV collection listings.
 */
export function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/** RFC 3744 §5.4 current-user-privilege-set: the privilege names, camel-cased; undefined when the server sent none. */
export function privilegesOf(set: unknown): string[] | undefined {
  if (!set || typeof set !== 'object') return undefined
  return list((set as { privilege?: unknown }).privilege).flatMap((p) => (p && typeof p === 'object' ? Object.keys(p) : []))
}

/** RFC 3253 §3.1.5 supported-report-set: the report names, camel-cased (e.g. `syncCollection`). */
export function reportsOf(set: unknown): string[] {
  const supported = list((set as { supportedReport?: unknown } | undefined)?.supportedReport)
  return supported.flatMap((s) => Object.keys(((s as { report?: object }).report as object | undefined) ?? {}))
}

/** The XML reader trims text; an iCalendar or vCard stream ends with CRLF (RFC 5545 §3.1, RFC 6350 §3.2). */
export function withFinalNewline(data: string): string {
  return data.endsWith('\n') ? data : `${data}\r\n`
}

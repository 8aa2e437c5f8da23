import { z } from 'zod'

/** RFC 5545 §3.2.9 FBTYPE of a busy period (FREE periods are simply not listed). */
export const BusyType = z.enum(['BUSY', 'BUSY-TENTATIVE', 'BUSY-UNAVAILABLE'])
export type BusyType = z.infer<typeof BusyType>

/** One busy stretch of someone's time: instants (ms), `end` exclusive. */
export const BusyPeriod = z.object({ start: z.number(), end: z.number(), type: BusyType })
export type BusyPeriod = z.infer<typeof BusyPeriod>

/**
 * Where an answer came from: the server's scheduling (RFC 6638 outbox POST), a free-busy-query
 * REPORT on that person's calendars (RFC 4791 §7.10), or busy times computed from their shared
 * calendars' events.
 */
export const FreeBusySource = z.enum(['schedule-outbox', 'free-busy-query', 'shared-calendar'])
export type FreeBusySource = z.infer<typeof FreeBusySource>

/** What is known of one attendee's time; `source` null: no source could say (`problem` tells why). */
export const FreeBusyAnswer = z.object({
  address: z.string(),
  source: FreeBusySource.nullable(),
  /** when the source answered (ms); a cached answer keeps its original time */
  checkedAt: z.number(),
  periods: z.array(BusyPeriod),
  problem: z.string().nullable(),
})
export type FreeBusyAnswer = z.infer<typeof FreeBusyAnswer>

import { randomUUID } from 'node:crypto'
import type { ImportedCard, SkippedCard } from '../../common/domain/contact'
import { convertVCard21 } from './vcard-21'
import { contentLines, physicalLines, rawValue } from './vcard-lines'
import { readVCard, versionOf } from './vcard-read'

export interface ParsedFile {
  cards: ImportedCard[]
  skipped: SkippedCard[]
}

/** The text of each BEGIN:VCARD … END:VCARD block, nested AGENT cards inside their parent. */
function blocks(text: string): { text: string; complete: boolean }[] {
  const found: { text: string; complete: boolean }[] = []
  let current: string[] | undefined
  let depth = 0
  for (const line of physicalLines(text)) {
    const upper = line.trim().toUpperCase()
    const begins = /^(?:[^:;]+\.)?BEGIN:VCARD$/.test(upper) || /^AGENT[^:]*:BEGIN:VCARD$/.test(upper)
    if (/^(?:[^:;]+\.)?BEGIN:VCARD$/.test(upper) && depth === 0) {
      current = [line]
      depth = 1
      continue
    }
    if (!current) continue
    current.push(line)
    if (begins) depth++
    if (/^(?:[^:;]+\.)?END:VCARD$/.test(upper)) {
      depth--
      if (depth === 0) {
        found.push({ text: current.join('\r\n'), complete: true })
        current = undefined
      }
    }
  }
  if (current) found.push({ text: current.join('\r\n'), complete: false })
  return found
}

/** FN, else N, else an email address: what the import summary calls a card. */
function labelOf(cardText: string): string {
  const lines = contentLines(cardText)
  for (const name of ['FN', 'N', 'EMAIL', 'ORG']) {
    const line = lines.find((l) => l.name === name)
    const value = line ? rawValue(line.text).replace(/\\([,;\\])/g, '$1').replace(/;+/g, ' ').trim() : ''
    if (value) return value.slice(0, 120)
  }
  return ''
}

/**
 * Reads a .vcf file with one or many cards in vCard 2.1, 3.0 or 4.0. Each card comes back
 * ready to store (2.1 converted to 3.0, a UID added where missing), or in `skipped` with the
 * reason a person can act on.
 */
export function parseVcfFile(text: string): ParsedFile {
  const cards: ImportedCard[] = []
  const skipped: SkippedCard[] = []
  const found = blocks(text)
  found.forEach((block, i) => {
    const index = i + 1
    const label = labelOf(block.text)
    if (!block.complete) {
      skipped.push({ index, label, reason: 'The card is cut off: it has no END:VCARD line.' })
      return
    }
    const version = versionOf(contentLines(block.text))
    if (version !== undefined && !['2.1', '3.0', '4.0'].includes(version)) {
      skipped.push({ index, label, reason: `vCard version ${version} is not one Quire reads (2.1, 3.0 and 4.0 are).` })
      return
    }
    const sourceVersion = (version ?? '3.0') as '2.1' | '3.0' | '4.0'
    let raw = sourceVersion === '2.1' ? convertVCard21(block.text) : normalised(block.text)
    if (version === undefined) raw = raw.replace(/^BEGIN:VCARD\r\n/i, 'BEGIN:VCARD\r\nVERSION:3.0\r\n')
    const read = readVCard(raw, () => randomUUID())
    const { card } = read
    const hasContent = Boolean(card.formattedName.trim() || card.emails.length || card.phones.length || card.organization || card.kind === 'group')
    if (!hasContent) {
      skipped.push({ index, label, reason: 'The card has no name, email address, phone number or organisation.' })
      return
    }
    if (read.uidMissing) raw = raw.replace(/\r\nEND:VCARD\r\n$/i, `\r\nUID:${card.uid}\r\nEND:VCARD\r\n`)
    cards.push({ index, sourceVersion, raw, card })
  })
  if (found.length === 0 && text.trim()) {
    skipped.push({ index: 1, label: '', reason: 'The file holds no vCard (no BEGIN:VCARD line).' })
  }
  return { cards, skipped }
}

/** CRLF line ends and exactly one END:VCARD at the end, the rest as the file had it. */
function normalised(cardText: string): string {
  const lines = physicalLines(cardText)
  while (lines.length && !lines.at(-1)!.trim()) lines.pop()
  return `${lines.join('\r\n')}\r\n`
}

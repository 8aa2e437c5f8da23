import type { ParsedMail, SimpleParserOptions } from 'mailparser'

/**
 * mailparser's `simpleParser`, loaded on the first message read rather than at start: with its
 * charset tables and HTML-to-text converter it is about 3 MB of main's heap that an app only
 * listing and syncing mail never needs (web mode at start, with nodemailer also loaded on first use:
 * 18 MB of live heap instead of 22).
 */
export async function parseMessage(source: Buffer, options: SimpleParserOptions): Promise<ParsedMail> {
  const { simpleParser } = await import('mailparser')
  return simpleParser(source, options)
}

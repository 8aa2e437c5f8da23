import type { DraftInput } from '../../src-main/common/domain/compose'

/** A 24×24 PNG in four colour blocks: small, valid (browsers show it), recognisable byte for byte. */
export const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAhElEQVR4nO3MoRVAYBgFUBu90d4ogiAIgiAIgneO8AdBEARBEARBEJQ3gg1M8N0Bbga+4APe4AWe4AHu4Aau4ALO4GQmczQHszc7szUbszYrszQLM88iiiii/0gv9EA3dEEndEA7tEErtEAzNFnJGq3B6q3Oaq3Gqq3KKq3CiiiiiP6jD6N3M73Z+fQrAAAAAElFTkSuQmCC'

/** The smallest PDF most readers open: one empty page. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
)

let counter = 0

/** A Message-ID no other test uses, as the renderer makes them. */
export function freshMessageId(domain = 'example.test'): string {
  return `<${Date.now().toString(36)}.${(counter++).toString(36)}.${Math.random().toString(36).slice(2, 10)}@${domain}>`
}

/** alice → bob and carol: a non-ASCII subject, HTML with an inline image, a PDF with a non-ASCII name. */
export function richDraft(overrides: Partial<DraftInput> = {}): DraftInput {
  return {
    messageId: freshMessageId(),
    from: { name: 'Alice Äpfelbaum', address: 'alice@example.test' },
    to: [{ name: 'Bob Øster', address: 'bob@example.test' }],
    cc: [{ name: '', address: 'carol@example.test' }],
    subject: `Grüße aus Köln — 会議の議事録 🎉 ${Math.random().toString(36).slice(2, 8)}`,
    html:
      '<p>Hello <strong>Bob</strong>, here is the <em>plan</em>:</p>' +
      '<ul><li>first</li><li>second</li></ul>' +
      `<p><img src="data:image/png;base64,${PNG_BASE64}" alt="chart"></p>` +
      '<p>See <a href="https://example.org/plan">the plan</a>.</p>',
    text: '',
    attachments: [{ filename: 'Übersicht März €.pdf', contentType: 'application/pdf', base64: PDF.toString('base64') }],
    ...overrides,
  }
}

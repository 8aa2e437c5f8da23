import { createHash } from 'node:crypto'

export interface InlineImage {
  /** RFC 2392 Content-ID without the angle brackets; the HTML refers to it as cid: */
  cid: string
  filename: string
  contentType: string
  content: Buffer
}

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg', 'image/bmp': 'bmp' }

/**
 * The editor keeps pasted and inserted images as data: URLs. In the message they become parts of a
 * multipart/related (RFC 2387) that the HTML refers to by cid: (RFC 2392), which every mail client
 * shows and none blocks as remote content. The same image twice is one part. The Content-ID is
 * derived from the bytes and the Message-ID, so saving the draft again names the parts the same.
 */
export function extractInlineImages(html: string, messageId: string): { html: string; images: InlineImage[] } {
  const images = new Map<string, InlineImage>()
  const domain = messageId.replace(/^<[^@]*@|>$/g, '') || 'quire.invalid'
  const rewritten = html.replace(/(<img\b[^>]*?\ssrc\s*=\s*)(["'])data:([\w.+-]+\/[\w.+-]+)((?:;[\w-]+=[^;,"']*)*);base64,([A-Za-z0-9+/=\s]+)\2/gi, (_whole, before: string, quote: string, type: string, _params: string, data: string) => {
    const content = Buffer.from(data.replace(/\s+/g, ''), 'base64')
    const contentType = type.toLowerCase()
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 20)
    let image = images.get(hash)
    if (!image) {
      image = { cid: `${hash}@${domain}`, filename: `image-${images.size + 1}.${EXTENSIONS[contentType] ?? 'bin'}`, contentType, content }
      images.set(hash, image)
    }
    return `${before}${quote}cid:${image.cid}${quote}`
  })
  return { html: rewritten, images: [...images.values()] }
}

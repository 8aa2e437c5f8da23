import type { MessageStructureObject } from 'imapflow'
import type { Attachment } from '../common/domain/mail'

/** A leaf of the MIME tree with its IMAP part specifier (RFC 3501 §6.4.5 section-part). */
interface Leaf {
  node: MessageStructureObject
  partId: string
  /** inside a multipart/related: a resource of the HTML body (a cid: image), not a file */
  related: boolean
}

/** The text part a snippet is cut from. */
export interface TextPart {
  partId: string
  kind: 'plain' | 'html'
  /** Content-Transfer-Encoding, lower case */
  encoding: string
  charset: string
}

/**
 * The leaves in document order. A non-multipart message has the single part "1" (RFC 3501
 * §6.4.5: "Every message has at least one part number"); an attached message/rfc822 is one leaf,
 * its insides belong to it.
 */
function leavesOf(root: MessageStructureObject): Leaf[] {
  const leaves: Leaf[] = []
  const walk = (node: MessageStructureObject, related: boolean) => {
    const type = node.type.toLowerCase()
    if (type.startsWith('multipart/') && node.childNodes?.length) {
      for (const child of node.childNodes) walk(child, related || type === 'multipart/related')
      return
    }
    leaves.push({ node, partId: node.part ?? '1', related })
  }
  walk(root, false)
  return leaves
}

function filenameOf(node: MessageStructureObject): string | null {
  return node.dispositionParameters?.filename ?? node.parameters?.name ?? null
}

/** Text the reader shows as the message, as opposed to a file: text/plain or text/html, not marked as an attachment, without a name. */
function isBodyText(leaf: Leaf): boolean {
  const type = leaf.node.type.toLowerCase()
  return (type === 'text/plain' || type === 'text/html') && leaf.node.disposition?.toLowerCase() !== 'attachment' && filenameOf(leaf.node) === null
}

/** The first text/plain body part, else the first text/html one. */
export function textPartOf(root: MessageStructureObject): TextPart | null {
  const texts = leavesOf(root).filter(isBodyText)
  const chosen = texts.find((leaf) => leaf.node.type.toLowerCase() === 'text/plain') ?? texts[0]
  if (!chosen) return null
  return {
    partId: chosen.partId,
    kind: chosen.node.type.toLowerCase() === 'text/html' ? 'html' : 'plain',
    encoding: (chosen.node.encoding ?? '7bit').toLowerCase(),
    charset: chosen.node.parameters?.charset ?? 'utf-8',
  }
}

/** What a message carries besides its text, including the images its HTML shows inline. */
export function attachmentsOf(root: MessageStructureObject): Attachment[] {
  return leavesOf(root)
    .filter((leaf) => !isBodyText(leaf))
    .map(({ node, partId, related }) => {
      const contentId = node.id ? node.id.replace(/^<|>$/g, '') : null
      const filename = filenameOf(node) ?? (node.type.toLowerCase() === 'message/rfc822' ? (node.envelope?.subject ?? 'message') + '.eml' : `part-${partId}`)
      return {
        partId,
        filename,
        contentType: node.type.toLowerCase(),
        size: decodedSize(node),
        contentId,
        inline: node.disposition?.toLowerCase() === 'inline' || (related && contentId !== null && node.disposition?.toLowerCase() !== 'attachment'),
      }
    })
}

/** Anything the user would call an attachment: a file, not an image the HTML body shows. */
export function hasAttachments(root: MessageStructureObject): boolean {
  return attachmentsOf(root).some((attachment) => !(attachment.inline && attachment.contentId !== null))
}

/** BODYSTRUCTURE gives the encoded size; base64 carries 3 bytes in 4 characters, in lines of 76 plus CRLF. */
function decodedSize(node: MessageStructureObject): number {
  const size = node.size ?? 0
  return node.encoding?.toLowerCase() === 'base64' ? Math.floor(((size * 76) / 78) * 0.75) : size
}

/**
 * An S/MIME encrypted message (RFC 8551 §3.3, §3.4: application/pkcs7-mime with smime-type
 * enveloped-data or authEnveloped-data; older senders use the x- type and may leave smime-type
 * out). Its words are readable only once decrypted, so search can tell the user it skipped it.
 */
export function isEncrypted(root: MessageStructureObject): boolean {
  const type = root.type.toLowerCase()
  // RFC 8551 §3.2.2: some agents send application/octet-stream with a .p7m name
  if (type === 'application/octet-stream') return /\.p7m$/i.test(root.parameters?.name ?? root.dispositionParameters?.filename ?? '')
  if (type !== 'application/pkcs7-mime' && type !== 'application/x-pkcs7-mime') return false
  const smimeType = (root.parameters?.['smime-type'] ?? '').toLowerCase()
  return smimeType === '' ? !/\.p7s$/i.test(root.parameters?.name ?? '') : smimeType === 'enveloped-data' || smimeType === 'authenveloped-data'
}

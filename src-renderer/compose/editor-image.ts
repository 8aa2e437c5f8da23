import { Node, mergeAttributes } from '@tiptap/core'

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    inlineImage: {
      /** Inserts an image at the selection; `src` is a data: URL (main makes it a cid: part when sending). */
      insertImage: (attributes: { src: string; alt?: string }) => ReturnType
    }
  }
}

/**
 * An image in the text. Only data: URLs reach the editor (pasted, dropped, picked, or a quoted
 * message's cid: parts resolved): compose-sanitize.ts drops every other source.
 */
export const InlineImage = Node.create({
  name: 'image',
  inline: true,
  group: 'inline',
  draggable: true,
  addAttributes() {
    return {
      src: { default: null },
      alt: { default: null },
      title: { default: null },
    }
  },
  parseHTML() {
    return [{ tag: 'img[src^="data:"]' }]
  },
  renderHTML({ HTMLAttributes }) {
    return ['img', mergeAttributes(HTMLAttributes)]
  },
  addCommands() {
    return {
      insertImage:
        (attributes) =>
        ({ commands }) =>
          commands.insertContent({ type: this.name, attrs: attributes }),
    }
  },
})

import { classifyResource } from './resource-url'

/** What the reader lets a message's CSS load, and where it writes down what it held back. */
export interface ResourcePolicy {
  allowRemote: boolean
  /** Content-ID → data: URL of the message's inline images */
  inlineImages: ReadonlyMap<string, string>
  /** called for each remote resource held back */
  blocked(host: string): void
}

// CSSOM serialises every URL as url("…") with CSS escapes; the other forms are accepted for safety
const URL_FUNCTION = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)"'\s]*))\s*\)/gi
// image-set() and friends take bare strings as URLs
const STRING_URL_FUNCTIONS = /(?:-webkit-)?(?:image-set|image|cross-fade|element)\s*\(/i

function cssUnescape(text: string): string {
  return text.replace(/\\([0-9a-f]{1,6})\s?|\\(.)/gi, (_, hex: string | undefined, char: string | undefined) =>
    hex ? String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff) || 0xfffd) : (char ?? ''),
  )
}

function cssString(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&').replace(/[\n\r\f]/g, ' ')}"`
}

/**
 * One declaration's value with its URLs checked: remote ones kept (normalised) only if allowed,
 * cid: ones replaced by the inline image, data: kept; null if the declaration must go (a URL the
 * reader will not load, or one it cannot read).
 */
export function cleanCssValue(value: string, policy: ResourcePolicy, kind: 'image' | 'font' = 'image'): string | null {
  if (STRING_URL_FUNCTIONS.test(value) && !policy.allowRemote) {
    policy.blocked('')
    return null
  }
  let dropped = false
  const cleaned = value.replace(URL_FUNCTION, (whole, double: string | undefined, single: string | undefined, bare: string | undefined) => {
    const resource = classifyResource(cssUnescape(double ?? single ?? bare ?? ''))
    switch (resource.kind) {
      case 'data':
        return `url(${cssString(resource.href)})`
      case 'cid': {
        const inline = policy.inlineImages.get(resource.contentId)
        if (inline) return `url(${cssString(inline)})`
        break
      }
      case 'remote':
        // remote fonts stay blocked even after "Load once": they only restyle text and can fingerprint
        if (kind === 'image' && policy.allowRemote) return `url(${cssString(resource.href)})`
        if (kind === 'image') policy.blocked(resource.host)
        break
    }
    dropped = true
    return whole
  })
  return dropped ? null : cleaned
}

/** Cleans every declaration of a CSSOM declaration block in place. */
export function cleanDeclarations(style: CSSStyleDeclaration, policy: ResourcePolicy, kind: 'image' | 'font' = 'image'): void {
  const names: string[] = []
  for (let i = 0; i < style.length; i++) names.push(style.item(i))
  for (const name of names) {
    const value = style.getPropertyValue(name)
    if (!/url\(|image-set|image\(|cross-fade|element\(/i.test(value)) continue
    const cleaned = cleanCssValue(value, policy, kind)
    if (cleaned === null) style.removeProperty(name)
    else if (cleaned !== value) style.setProperty(name, cleaned, style.getPropertyPriority(name))
  }
}

interface RuleList {
  readonly cssRules: CSSRuleList
  deleteRule(index: number): void
}

function cleanRules(list: RuleList, policy: ResourcePolicy): void {
  for (let i = list.cssRules.length - 1; i >= 0; i--) {
    const rule = list.cssRules[i]!
    // @import never loads (a constructed sheet ignores it anyway); an unknown rule is not worth the risk
    if (typeof CSSImportRule !== 'undefined' && rule instanceof CSSImportRule) {
      list.deleteRule(i)
      continue
    }
    const known = 'style' in rule || 'cssRules' in rule || (typeof CSSNamespaceRule !== 'undefined' && rule instanceof CSSNamespaceRule)
    if (!known) {
      list.deleteRule(i)
      continue
    }
    const isFontFace = typeof CSSFontFaceRule !== 'undefined' && rule instanceof CSSFontFaceRule
    if ('style' in rule && rule.style instanceof CSSStyleDeclaration) cleanDeclarations(rule.style, policy, isFontFace ? 'font' : 'image')
    if (isFontFace && !(rule as CSSFontFaceRule).style.getPropertyValue('src')) {
      list.deleteRule(i)
      continue
    }
    if ('cssRules' in rule && 'deleteRule' in rule) cleanRules(rule as unknown as RuleList, policy)
  }
}

/**
 * A message's style sheet with everything that would load checked (see `cleanCssValue`), parsed
 * by the browser's own CSS parser so escapes and odd spellings are read exactly as they would
 * be applied; returned as the CSSOM serialises it.
 */
export function cleanStyleSheet(text: string, policy: ResourcePolicy): string {
  const sheet = new CSSStyleSheet()
  // remote style sheets are never loaded, not even after "Load once"; a constructed sheet ignores
  // @import anyway, taking it out first only spares the console a warning
  sheet.replaceSync(text.replace(/@import[^;]*;?/gi, ''))
  cleanRules(sheet, policy)
  return Array.from(sheet.cssRules, (rule) => rule.cssText).join('\n')
}

/**
 * A `style` attribute's declarations, cleaned the same way, as the body of a rule that stands in
 * for it: each declaration `!important` under a selector of specificity 0, in a sheet placed before
 * the message's own, behaves like an inline style (it beats the message's normal rules, and the
 * message's `!important` rules still beat it). '' when nothing is left.
 */
export function inlineStyleRule(text: string, policy: ResourcePolicy, holder: HTMLElement): string {
  holder.style.cssText = text
  cleanDeclarations(holder.style, policy)
  const declarations: string[] = []
  for (let i = 0; i < holder.style.length; i++) {
    const name = holder.style.item(i)
    declarations.push(`${name}: ${holder.style.getPropertyValue(name)} !important;`)
  }
  return declarations.join(' ')
}

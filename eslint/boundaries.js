// Quire's three environments may only import in the directions DESIGN.md draws:
//   src-main/common  -> itself and zod; no node:, no electron, nothing else of ours
//   src-main (main)  -> common and main; no electron (only src-main/shell may), no renderer
//   src-renderer     -> itself, and from src-main/common *types only*; no node:, no electron
// A crossing import is a lint error, so it fails `npm run lint` and CI, not a review.
import { dirname, relative, resolve, sep } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const inside = (file, dir) => {
  const rel = relative(resolve(root, dir), file)
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(`..${sep}`))
}

function environmentOf(file) {
  if (inside(file, 'src-main/common')) return 'common'
  if (inside(file, 'src-main/shell')) return 'shell'
  if (inside(file, 'src-main')) return 'main'
  if (inside(file, 'src-renderer')) return 'renderer'
  return undefined
}

const isNodeBuiltin = (source) => source.startsWith('node:')
const COMMON_PACKAGES = new Set(['zod'])

function problem(env, source, target, typeOnly) {
  if (source === 'electron' || source.startsWith('electron/')) {
    return env === 'shell' ? undefined : 'Only src-main/shell/ may import electron; everything else must run under plain Node and in web mode.'
  }
  if (env === 'common') {
    if (isNodeBuiltin(source)) return 'src-main/common is pure TypeScript shared with the renderer: no Node built-ins.'
    if (target) return inside(target, 'src-main/common') ? undefined : 'src-main/common may import only from src-main/common.'
    const name = source.startsWith('@') ? source.split('/').slice(0, 2).join('/') : source.split('/')[0]
    return COMMON_PACKAGES.has(name) ? undefined : `src-main/common may use only ${[...COMMON_PACKAGES].join(', ')}; “${source}” ties it to one environment.`
  }
  if (env === 'main' || env === 'shell') {
    if (target && inside(target, 'src-renderer')) return 'main never imports the renderer; share code through src-main/common.'
    return undefined
  }
  if (env === 'renderer') {
    if (isNodeBuiltin(source)) return 'The renderer runs in a browser sandbox: no Node built-ins. Ask main over the contract.'
    if (target && inside(target, 'src-main')) {
      if (!inside(target, 'src-main/common')) return 'The renderer may import from src-main only src-main/common (the contract and domain types).'
      if (!typeOnly) return 'The renderer imports only types from src-main/common (`import type …`); main validates, the renderer stays decoupled.'
    }
  }
  return undefined
}

export const boundaries = {
  meta: { type: 'problem', docs: { description: 'Keep imports inside the environment boundaries' }, schema: [] },
  create(context) {
    const file = resolve(context.filename)
    const env = environmentOf(file)
    if (!env) return {}
    const check = (node, typeOnly) => {
      const source = node.source?.value
      if (typeof source !== 'string') return
      const target = source.startsWith('.') ? resolve(dirname(file), source) : undefined
      const message = problem(env, source, target, typeOnly)
      if (message) context.report({ node: node.source, message })
    }
    const allTypeSpecifiers = (node) => node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type')
    return {
      ImportDeclaration: (node) => check(node, node.importKind === 'type' || allTypeSpecifiers(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.exportKind === 'type' || allTypeSpecifiers(node)),
      ExportAllDeclaration: (node) => check(node, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check({ source: node.source }, false),
    }
  },
}

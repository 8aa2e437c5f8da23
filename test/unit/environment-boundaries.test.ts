import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ESLint } from 'eslint'

const root = resolve(import.meta.dirname, '../..')
const eslint = new ESLint({ cwd: root })

/** Lints `code` as if it were the file at `path`, returning only our boundary rule's messages. */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'quire/boundaries').map((m) => m.message)
}

describe('lint: imports that cross environments fail', () => {
  it('the renderer may not import Node, electron, main code, or runtime values from common', async () => {
    const errors = await boundaryErrors(
      'src-renderer/mail/probe.ts',
      [
        "import { readFile } from 'node:fs/promises'",
        "import { ipcRenderer } from 'electron'",
        "import { createRouter } from '../../src-main/rpc/router'",
        "import { QuireError } from '../../src-main/common/contract'",
        'export const all = [readFile, ipcRenderer, createRouter, QuireError]',
      ].join('\n'),
    )
    expect(errors).toHaveLength(4)
  })

  it('the renderer may import types from common', async () => {
    expect(await boundaryErrors('src-renderer/mail/probe.ts', "import type { ErrorShape } from '../../src-main/common/contract'\nexport type E = ErrorShape")).toEqual([])
  })

  it('common may not import Node, main code or other packages', async () => {
    const errors = await boundaryErrors(
      'src-main/common/domain/probe.ts',
      ["import { join } from 'node:path'", "import { createRouter } from '../../rpc/router'", "import { ImapFlow } from 'imapflow'", 'export const all = [join, createRouter, ImapFlow]'].join('\n'),
    )
    expect(errors).toHaveLength(3)
  })

  it('only src-main/shell may import electron', async () => {
    expect(await boundaryErrors('src-main/mail/probe.ts', "import { app } from 'electron'\nexport const a = app")).toHaveLength(1)
    expect(await boundaryErrors('src-main/shell/probe.ts', "import { app } from 'electron'\nexport const a = app")).toEqual([])
  })

  it('main may not import the renderer', async () => {
    expect(await boundaryErrors('src-main/mail/probe.ts', "import { createClient } from '../../src-renderer/rpc/client'\nexport const c = createClient")).toHaveLength(1)
  })
})

describe('typecheck: each environment sees only its own globals', () => {
  /** Runs tsc with an environment's tsconfig on one probe file placed in that environment's folder. */
  function typecheck(dir: string, code: string): string {
    const probeDir = mkdtempSync(join(root, dir, '.probe-'))
    try {
      writeFileSync(join(probeDir, 'probe.ts'), code)
      writeFileSync(
        join(probeDir, 'tsconfig.json'),
        JSON.stringify({ extends: join(root, dir, 'tsconfig.json'), include: ['probe.ts'], compilerOptions: { noUnusedLocals: false } }),
      )
      try {
        execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', probeDir], { encoding: 'utf8' })
        return ''
      } catch (error) {
        return String((error as { stdout?: string }).stdout)
      }
    } finally {
      rmSync(probeDir, { recursive: true, force: true })
    }
  }

  it('common has neither Node nor the DOM', () => {
    const out = typecheck('src-main/common', "import { readFileSync } from 'node:fs'\nexport const a = readFileSync\nexport const b = document.title\n")
    expect(out).toMatch(/Cannot find (module|name) 'node:fs'/)
    expect(out).toMatch(/Cannot find name 'document'/)
  })

  it('the renderer has the DOM but not Node', () => {
    const out = typecheck('src-renderer', "import { readFileSync } from 'node:fs'\nexport const a = readFileSync\nexport const b = document.title\nexport const c = process.env\n")
    expect(out).toMatch(/Cannot find (module|name) 'node:fs'/)
    expect(out).toMatch(/Cannot find name 'process'/)
    expect(out).not.toMatch(/document/)
  })

  it('main has Node but not the DOM', () => {
    const out = typecheck('src-main', "import { readFileSync } from 'node:fs'\nexport const a = readFileSync\nexport const b = document.title\n")
    expect(out).not.toMatch(/node:fs/)
    expect(out).toMatch(/Cannot find name 'document'/)
  })
})

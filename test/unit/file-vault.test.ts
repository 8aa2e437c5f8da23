import { chmod, mkdtemp, readFile, rm, stat, writeFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileVault } from '../../src-main/accounts/file-vault'
import { QuireError } from '../../src-main/common/contract/errors'

const posix = process.platform !== 'win32'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quire-file-vault-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(QuireError)
    return (error as QuireError).code
  }
  throw new Error('expected the promise to reject')
}

describe('FileVault with a passphrase', () => {
  it('sets, gets, deletes and lists names, and reads them back after reopening', async () => {
    const path = join(dir, 'vault.json')
    const vault = await FileVault.open({ path, key: { passphrase: 'correct horse' } })
    expect(await vault.names()).toEqual([])
    await vault.set('imap:alice', 's3cret-one')
    await vault.set('smtp:alice', 's3cret-two')
    await vault.set('imap:alice', 's3cret-three')
    expect(await vault.get('imap:alice')).toBe('s3cret-three')
    expect(await vault.get('nope')).toBeUndefined()
    await vault.delete('smtp:alice')
    await vault.delete('never-there')
    expect(await vault.names()).toEqual(['imap:alice'])

    const again = await FileVault.open({ path, key: { passphrase: 'correct horse' } })
    expect(await again.names()).toEqual(['imap:alice'])
    expect(await again.get('imap:alice')).toBe('s3cret-three')
  })

  it('keeps names and secrets out of the file, and writes it 0600', async () => {
    const path = join(dir, 'vault.json')
    const vault = await FileVault.open({ path, key: { passphrase: 'pw' } })
    await vault.set('account-name-visible?', 'hunter2-secret')
    const bytes = await readFile(path)
    for (const needle of ['account-name-visible?', 'hunter2-secret', 'hunter2', 'account-name']) {
      expect(bytes.includes(needle)).toBe(false)
      expect(bytes.includes(Buffer.from(needle).toString('base64').slice(0, 8))).toBe(false)
    }
    if (posix) expect((await stat(path)).mode & 0o777).toBe(0o600)
    // no temporary file is left beside it
    expect(await readdir(dir)).toEqual(['vault.json'])
  })

  it('uses a fresh IV on every write', async () => {
    const path = join(dir, 'vault.json')
    const vault = await FileVault.open({ path, key: { passphrase: 'pw' } })
    await vault.set('a', '1')
    const first = JSON.parse(await readFile(path, 'utf8'))
    await vault.set('a', '2')
    const second = JSON.parse(await readFile(path, 'utf8'))
    expect(second.iv).not.toBe(first.iv)
    expect(second.kdf).toEqual(first.kdf)
  })

  it('refuses a wrong passphrase with VAULT_LOCKED and leaves the file as it was', async () => {
    const path = join(dir, 'vault.json')
    const vault = await FileVault.open({ path, key: { passphrase: 'right' } })
    await vault.set('name', 'secret')
    const before = await readFile(path)
    expect(await codeOf(FileVault.open({ path, key: { passphrase: 'wrong' } }))).toBe('VAULT_LOCKED')
    expect(await readFile(path)).toEqual(before)
    expect(await (await FileVault.open({ path, key: { passphrase: 'right' } })).get('name')).toBe('secret')
  })

  it('refuses an empty passphrase', async () => {
    expect(await codeOf(FileVault.open({ path: join(dir, 'v.json'), key: { passphrase: '' } }))).toBe('VAULT_LOCKED')
  })

  it('reports a damaged file as VAULT_CORRUPT and leaves it untouched', async () => {
    const path = join(dir, 'vault.json')
    const cases: (string | Buffer)[] = ['this is not json', '{}', '{"format":"quire-vault","version":99}', Buffer.from([0, 1, 2, 255])]
    for (const garbage of cases) {
      await writeFile(path, garbage)
      expect(await codeOf(FileVault.open({ path, key: { passphrase: 'pw' } }))).toBe('VAULT_CORRUPT')
      expect(await readFile(path)).toEqual(Buffer.from(garbage))
    }
  })

  it('reports tampered ciphertext as VAULT_CORRUPT, not as a wrong passphrase', async () => {
    const path = join(dir, 'vault.json')
    const vault = await FileVault.open({ path, key: { passphrase: 'pw' } })
    await vault.set('name', 'secret')
    const file = JSON.parse(await readFile(path, 'utf8'))
    const ciphertext = Buffer.from(file.ciphertext, 'base64')
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1
    file.ciphertext = ciphertext.toString('base64')
    const tampered = JSON.stringify(file)
    await writeFile(path, tampered)
    expect(await codeOf(FileVault.open({ path, key: { passphrase: 'pw' } }))).toBe('VAULT_CORRUPT')
    expect(await readFile(path, 'utf8')).toBe(tampered)
  })

  it('refuses scrypt parameters that would exhaust memory', async () => {
    const path = join(dir, 'vault.json')
    const vault = await FileVault.open({ path, key: { passphrase: 'pw' } })
    await vault.set('name', 'secret')
    const file = JSON.parse(await readFile(path, 'utf8'))
    file.kdf.N = 2 ** 24
    await writeFile(path, JSON.stringify(file))
    expect(await codeOf(FileVault.open({ path, key: { passphrase: 'pw' } }))).toBe('VAULT_CORRUPT')
  })

  it('persists two concurrent sets', async () => {
    const path = join(dir, 'vault.json')
    const vault = await FileVault.open({ path, key: { passphrase: 'pw' } })
    await Promise.all([vault.set('one', '1'), vault.set('two', '2'), vault.delete('one'), vault.set('one', 'again')])
    const reopened = await FileVault.open({ path, key: { passphrase: 'pw' } })
    expect(await reopened.names()).toEqual(['one', 'two'])
    expect(await reopened.get('one')).toBe('again')
    expect(await reopened.get('two')).toBe('2')
  })

  it('keeps working after a failed write, without the failed change', async () => {
    const path = join(dir, 'sub', 'vault.json')
    const vault = await FileVault.open({ path, key: { passphrase: 'pw' } })
    // a file where the vault's directory should be makes every write fail, even as root
    await writeFile(join(dir, 'sub'), 'not a directory')
    await expect(vault.set('a', '1')).rejects.toThrow()
    expect(await vault.names()).toEqual([])
  })

  it('rejects an empty name', async () => {
    const vault = await FileVault.open({ path: join(dir, 'v.json'), key: { passphrase: 'pw' } })
    await expect(vault.set('', 'x')).rejects.toThrow(TypeError)
  })
})

describe('FileVault with a key file', () => {
  it('creates a 32-byte key file with mode 0600 and reopens with it', async () => {
    const path = join(dir, 'vault.json')
    const keyFile = join(dir, 'keys', 'vault.key')
    const vault = await FileVault.open({ path, key: { keyFile } })
    await vault.set('name', 'secret')
    const info = await stat(keyFile)
    expect(info.size).toBe(32)
    if (posix) expect(info.mode & 0o777).toBe(0o600)
    expect(await (await FileVault.open({ path, key: { keyFile } })).get('name')).toBe('secret')
  })

  it.skipIf(!posix)('refuses a key file that others can read', async () => {
    const path = join(dir, 'vault.json')
    const keyFile = join(dir, 'vault.key')
    await FileVault.open({ path, key: { keyFile } })
    await chmod(keyFile, 0o644)
    const error = await FileVault.open({ path, key: { keyFile } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QuireError)
    expect((error as QuireError).code).toBe('VAULT_LOCKED')
    expect((error as QuireError).message).toMatch(/chmod 600/)
  })

  it('refuses a different key file with VAULT_LOCKED and leaves the vault untouched', async () => {
    const path = join(dir, 'vault.json')
    const vault = await FileVault.open({ path, key: { keyFile: join(dir, 'a.key') } })
    await vault.set('name', 'secret')
    const before = await readFile(path)
    expect(await codeOf(FileVault.open({ path, key: { keyFile: join(dir, 'b.key') } }))).toBe('VAULT_LOCKED')
    expect(await readFile(path)).toEqual(before)
  })

  it('does not replace a missing key file when the vault exists', async () => {
    const path = join(dir, 'vault.json')
    const keyFile = join(dir, 'vault.key')
    await (await FileVault.open({ path, key: { keyFile } })).set('name', 'secret')
    await rm(keyFile)
    expect(await codeOf(FileVault.open({ path, key: { keyFile } }))).toBe('VAULT_LOCKED')
    await expect(stat(keyFile)).rejects.toThrow()
  })

  it('refuses to open a passphrase vault with a key file and the reverse', async () => {
    const path = join(dir, 'vault.json')
    await (await FileVault.open({ path, key: { passphrase: 'pw' } })).set('a', '1')
    expect(await codeOf(FileVault.open({ path, key: { keyFile: join(dir, 'k.key') } }))).toBe('VAULT_LOCKED')
    const other = join(dir, 'other.json')
    await (await FileVault.open({ path: other, key: { keyFile: join(dir, 'k2.key') } })).set('a', '1')
    expect(await codeOf(FileVault.open({ path: other, key: { passphrase: 'pw' } }))).toBe('VAULT_LOCKED')
  })
})

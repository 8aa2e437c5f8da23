import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QuireError } from '../../src-main/common/contract/errors'
import { SafeStorageVault, type SafeStorageLike } from '../../src-main/shell/safe-storage-vault'

/** Stands in for Electron's safeStorage: a reversible scramble, plus the switches the vault reads. */
function fakeSafeStorage(options: { available?: boolean; backend?: string; key?: number } = {}): SafeStorageLike {
  const key = options.key ?? 0x5a
  const marker = Buffer.from(`FAKE${key}:`)
  return {
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString: (plain) => Buffer.concat([marker, Buffer.from(plain).map((b) => b ^ key)]),
    decryptString: (encrypted) => {
      if (!encrypted.subarray(0, marker.length).equals(marker)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return Buffer.from(encrypted.subarray(marker.length).map((b) => b ^ key)).toString()
    },
  }
}

let dir: string
let path: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quire-safe-storage-'))
  path = join(dir, 'credentials.json')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(QuireError)
  return (error as QuireError).code
}

describe('SafeStorageVault', () => {
  it('round-trips and reads back what an earlier instance stored', async () => {
    const vault = new SafeStorageVault({ path, safeStorage: fakeSafeStorage(), platform: 'linux' })
    await Promise.all([vault.set('imap:bob', 'pw-1'), vault.set('smtp:bob', 'pw-2')])
    await vault.delete('smtp:bob')
    expect(await vault.names()).toEqual(['imap:bob'])
    const again = new SafeStorageVault({ path, safeStorage: fakeSafeStorage(), platform: 'linux' })
    expect(await again.get('imap:bob')).toBe('pw-1')
    expect(await again.get('smtp:bob')).toBeUndefined()
  })

  it('stores only the encrypted blob, 0600, with no temporary file left', async () => {
    const vault = new SafeStorageVault({ path, safeStorage: fakeSafeStorage(), platform: 'linux' })
    await vault.set('imap:bob', 'hunter2')
    const text = await readFile(path, 'utf8')
    expect(text).not.toContain('imap:bob')
    expect(text).not.toContain('hunter2')
    expect(JSON.parse(text)).toMatchObject({ format: 'quire-safe-storage', version: 1 })
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await readdir(dir)).toEqual(['credentials.json'])
  })

  it('refuses to store anything when the keychain is unavailable', async () => {
    const vault = new SafeStorageVault({ path, safeStorage: fakeSafeStorage({ available: false }), platform: 'darwin' })
    expect(await codeOf(vault.set('a', 'b'))).toBe('VAULT_LOCKED')
    expect(await codeOf(vault.get('a'))).toBe('VAULT_LOCKED')
    await expect(stat(path)).rejects.toThrow()
  })

  it('treats Linux basic_text (a fixed, public key) as no keychain at all', async () => {
    const vault = new SafeStorageVault({ path, safeStorage: fakeSafeStorage({ backend: 'basic_text' }), platform: 'linux' })
    const error = await vault.set('a', 'b').catch((e: unknown) => e as QuireError)
    expect(error).toBeInstanceOf(QuireError)
    expect((error as QuireError).code).toBe('VAULT_LOCKED')
    expect((error as QuireError).message).toMatch(/keyring/i)
    await expect(stat(path)).rejects.toThrow()
  })

  it('reports a keychain that cannot decrypt the file as VAULT_LOCKED and leaves it untouched', async () => {
    await new SafeStorageVault({ path, safeStorage: fakeSafeStorage(), platform: 'linux' }).set('a', 'b')
    const before = await readFile(path)
    const other = new SafeStorageVault({ path, safeStorage: fakeSafeStorage({ key: 0x33 }), platform: 'linux' })
    expect(await codeOf(other.names())).toBe('VAULT_LOCKED')
    expect(await readFile(path)).toEqual(before)
  })

  it('reports a damaged file as VAULT_CORRUPT and leaves it untouched', async () => {
    await writeFile(path, '{"format":"something else"}')
    const vault = new SafeStorageVault({ path, safeStorage: fakeSafeStorage(), platform: 'linux' })
    expect(await codeOf(vault.set('a', 'b'))).toBe('VAULT_CORRUPT')
    expect(await readFile(path, 'utf8')).toBe('{"format":"something else"}')
  })
})

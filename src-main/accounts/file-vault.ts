import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { mkdir, open, readFile, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { QuireError } from '../common/contract/errors'
import { readFileIfExists, writeFileAtomic } from './atomic-file'
import type { CredentialVault } from './vault'

export type FileVaultKey = { passphrase: string } | { keyFile: string }

export interface FileVaultOptions {
  /** the vault file; created on the first write */
  path: string
  key: FileVaultKey
}

/**
 * The in-memory name→secret map of a vault that is written whole on every change.
 * Operations run one at a time in call order (a promise chain), so two concurrent
 * `set`s both land and a read sees every write queued before it. The map in
 * memory changes only after `persist` succeeded: a failed write changes nothing.
 * Shared by the web-mode FileVault and the shell's SafeStorageVault.
 */
export class SecretMapVault implements CredentialVault {
  readonly #load: () => Promise<Map<string, string>>
  readonly #persist: (entries: ReadonlyMap<string, string>) => Promise<void>
  #entries: Map<string, string> | undefined
  #queue: Promise<unknown> = Promise.resolve()

  /** `load` runs on first use (and again after it failed); `persist` must write atomically. */
  constructor(load: () => Promise<Map<string, string>>, persist: (entries: ReadonlyMap<string, string>) => Promise<void>) {
    this.#load = load
    this.#persist = persist
  }

  async get(name: string): Promise<string | undefined> {
    return this.#run((entries) => entries.get(name))
  }

  async set(name: string, secret: string): Promise<void> {
    checkName(name)
    if (typeof secret !== 'string') throw new TypeError('A secret must be a string.')
    return this.#run(async (entries) => {
      if (entries.get(name) === secret) return
      await this.#commit(new Map(entries).set(name, secret))
    })
  }

  async delete(name: string): Promise<void> {
    return this.#run(async (entries) => {
      if (!entries.has(name)) return
      const next = new Map(entries)
      next.delete(name)
      await this.#commit(next)
    })
  }

  async names(): Promise<string[]> {
    return this.#run((entries) => [...entries.keys()].sort())
  }

  async #commit(next: Map<string, string>): Promise<void> {
    await this.#persist(next)
    this.#entries = next
  }

  #run<T>(operation: (entries: Map<string, string>) => T | Promise<T>): Promise<T> {
    const result = this.#queue.then(async () => {
      this.#entries ??= await this.#load()
      return operation(this.#entries)
    })
    this.#queue = result.catch(() => undefined)
    return result
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('A credential name must be a non-empty string.')
}

/** The plaintext of a vault: the map as a JSON list of [name, secret] pairs (a list, so no name can be `__proto__` trouble). */
export function encodeEntries(entries: ReadonlyMap<string, string>): string {
  return JSON.stringify([...entries])
}

/** The map from `encodeEntries`' output (trailing padding allowed), or undefined when it is not one. */
export function decodeEntries(plaintext: string): Map<string, string> | undefined {
  let value: unknown
  try {
    value = JSON.parse(plaintext)
  } catch {
    return undefined
  }
  const isPair = (e: unknown): e is [string, string] => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string'
  return Array.isArray(value) && value.every(isPair) ? new Map(value) : undefined
}


// ---------------------------------------------------------------------------
// The vault file (version 1), JSON:
//   { format, version, kdf: { name: 'scrypt', N, r, p, salt } | { name: 'key-file', salt },
//     cipher: 'aes-256-gcm', check, iv, tag, ciphertext }
// The ciphertext holds the whole map (names included), padded so its length
// tells little. The header is bound to it as GCM additional data. `check` is an
// HMAC under a key derived apart from the cipher key: it tells a wrong
// passphrase (VAULT_LOCKED) from a damaged file (VAULT_CORRUPT).
// ---------------------------------------------------------------------------

const FORMAT = 'quire-vault'
const VERSION = 1
const CIPHER = 'aes-256-gcm'
const SCRYPT_DEFAULTS = { N: 2 ** 15, r: 8, p: 1 } as const
/** A file asking for more scrypt memory than this is refused as corrupt rather than obeyed. */
const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024
const KEY_BYTES = 32
const SALT_BYTES = 16
const IV_BYTES = 12
const TAG_BYTES = 16
const PADDING_BLOCK = 256

type Kdf = { name: 'scrypt'; N: number; r: number; p: number; salt: string } | { name: 'key-file'; salt: string }

interface Header {
  format: typeof FORMAT
  version: typeof VERSION
  kdf: Kdf
  cipher: typeof CIPHER
}

interface VaultFile extends Header {
  check: string
  iv: string
  tag: string
  ciphertext: string
}

interface Keys {
  cipher: Buffer
  check: Buffer
}

/**
 * The web-mode credential vault: one file, AES-256-GCM over the whole map, keyed
 * by scrypt from a passphrase or by a 32-byte key file. Opening with the wrong
 * passphrase or key fails with VAULT_LOCKED, a damaged file with VAULT_CORRUPT;
 * neither touches the file. Writes from one process are serialized; two
 * processes must not share a vault file.
 */
export class FileVault extends SecretMapVault {
  private constructor(entries: Map<string, string>, persist: (entries: ReadonlyMap<string, string>) => Promise<void>) {
    super(async () => entries, persist)
  }

  static async open(options: FileVaultOptions): Promise<FileVault> {
    const { path, key } = options
    const bytes = await readFileIfExists(path)
    const existing = bytes === undefined ? undefined : parseVaultFile(bytes, path)

    let kdf: Kdf
    let master: Buffer
    if ('passphrase' in key) {
      if (typeof key.passphrase !== 'string' || key.passphrase.length === 0) {
        throw locked('The vault needs a passphrase; an empty one cannot protect it.')
      }
      if (existing && existing.kdf.name !== 'scrypt') throw locked(`The vault ${path} is protected by a key file, not a passphrase.`)
      kdf = existing?.kdf ?? { name: 'scrypt', ...SCRYPT_DEFAULTS, salt: randomBytes(SALT_BYTES).toString('base64') }
      master = await scryptKey(key.passphrase, kdf as Extract<Kdf, { name: 'scrypt' }>)
    } else {
      if (existing && existing.kdf.name !== 'key-file') throw locked(`The vault ${path} is protected by a passphrase, not a key file.`)
      kdf = existing?.kdf ?? { name: 'key-file', salt: randomBytes(SALT_BYTES).toString('base64') }
      master = await readOrCreateKeyFile(key.keyFile, existing !== undefined)
    }

    const header: Header = { format: FORMAT, version: VERSION, kdf, cipher: CIPHER }
    const keys = deriveKeys(master, kdf.salt)
    const entries = existing ? decryptEntries(existing, keys, path) : new Map<string, string>()
    return new FileVault(entries, (next) => writeFileAtomic(path, encryptEntries(header, keys, next)))
  }
}

function locked(message: string): QuireError {
  return new QuireError('VAULT_LOCKED', { message })
}

function corrupt(path: string, why: string, cause?: unknown): QuireError {
  return new QuireError('VAULT_CORRUPT', {
    message: `The credential vault ${path} is damaged (${why}). It was left untouched; restore it from a backup or remove it to start over.`,
    cause,
  })
}

function parseVaultFile(bytes: Buffer, path: string): VaultFile {
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    throw corrupt(path, 'not JSON', error)
  }
  const file = value as Partial<Record<keyof VaultFile, unknown>> | null
  if (typeof file !== 'object' || file === null || file.format !== FORMAT) throw corrupt(path, 'not a Quire vault')
  if (file.version !== VERSION) throw corrupt(path, `unsupported version ${String(file.version)}`)
  if (file.cipher !== CIPHER) throw corrupt(path, 'unknown cipher')
  const kdf = parseKdf(file.kdf)
  if (!kdf) throw corrupt(path, 'bad key derivation parameters')
  const fields = { check: 32, iv: IV_BYTES, tag: TAG_BYTES } as const
  for (const [name, length] of Object.entries(fields)) {
    if (!isBase64((file as Record<string, unknown>)[name], length)) throw corrupt(path, `bad ${name}`)
  }
  if (!isBase64(file.ciphertext)) throw corrupt(path, 'bad ciphertext')
  return { format: FORMAT, version: VERSION, kdf, cipher: CIPHER, check: file.check as string, iv: file.iv as string, tag: file.tag as string, ciphertext: file.ciphertext as string }
}

function parseKdf(value: unknown): Kdf | undefined {
  const kdf = value as Record<string, unknown> | null
  if (typeof kdf !== 'object' || kdf === null || !isBase64(kdf.salt) || Buffer.from(kdf.salt as string, 'base64').length < SALT_BYTES) return undefined
  const salt = kdf.salt as string
  if (kdf.name === 'key-file') return { name: 'key-file', salt }
  if (kdf.name !== 'scrypt') return undefined
  const { N, r, p } = kdf
  const isInt = (x: unknown, max: number): x is number => Number.isSafeInteger(x) && (x as number) >= 1 && (x as number) <= max
  if (!isInt(N, 2 ** 24) || (N & (N - 1)) !== 0 || N < 2 ** 10 || !isInt(r, 64) || !isInt(p, 16)) return undefined
  if (scryptMemory(N, r, p) > SCRYPT_MAX_MEMORY) return undefined
  return { name: 'scrypt', N, r, p, salt }
}

function isBase64(value: unknown, length?: number): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return false
  return length === undefined || Buffer.from(value, 'base64').length === length
}

function scryptMemory(N: number, r: number, p: number): number {
  return 128 * N * r + 128 * r * p
}

function scryptKey(passphrase: string, kdf: Extract<Kdf, { name: 'scrypt' }>): Promise<Buffer> {
  const { N, r, p } = kdf
  return new Promise((resolve, reject) => {
    // NFC, so the same passphrase typed through different input methods gives the same key
    scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), KEY_BYTES, { N, r, p, maxmem: scryptMemory(N, r, p) + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

async function readOrCreateKeyFile(path: string, vaultExists: boolean): Promise<Buffer> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (!info) {
    // a new key could never open the existing vault; say so instead of replacing the key
    if (vaultExists) throw locked(`The key file ${path} is missing, so the existing vault cannot be opened. Restore the key file from a backup.`)
    const key = randomBytes(KEY_BYTES)
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    const handle = await open(path, 'wx', 0o600)
    try {
      await handle.writeFile(key)
      await handle.sync()
    } finally {
      await handle.close()
    }
    return key
  }
  if (!info.isFile()) throw locked(`The key file ${path} is not a regular file.`)
  // POSIX mode bits mean nothing on Windows; there the file's ACL protects it
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(3, '0')
    throw locked(`The key file ${path} can be read by other users (mode ${mode}); Quire refuses to use it. Run: chmod 600 ${path}`)
  }
  const key = await readFile(path)
  if (key.length !== KEY_BYTES) throw locked(`The key file ${path} is not a Quire key file (it must hold exactly ${KEY_BYTES} bytes).`)
  return key
}

function deriveKeys(master: Buffer, salt: string): Keys {
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', master, Buffer.from(salt, 'base64'), `quire-vault/v1/${purpose}`, KEY_BYTES))
  return { cipher: derive('cipher'), check: derive('check') }
}

function checkValue(keys: Keys): Buffer {
  return createHmac('sha256', keys.check).update('quire-vault/v1/key-check').digest()
}

function additionalData(header: Header): Buffer {
  // written out field by field so the bytes do not depend on the key order found in the file
  const { kdf } = header
  const kdfFields = kdf.name === 'scrypt' ? [kdf.name, kdf.N, kdf.r, kdf.p, kdf.salt] : [kdf.name, kdf.salt]
  return Buffer.from(JSON.stringify([header.format, header.version, header.cipher, ...kdfFields]))
}

function encryptEntries(header: Header, keys: Keys, entries: ReadonlyMap<string, string>): string {
  const json = encodeEntries(entries)
  const padded = json + ' '.repeat(PADDING_BLOCK - (Buffer.byteLength(json) % PADDING_BLOCK))
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv(CIPHER, keys.cipher, iv)
  cipher.setAAD(additionalData(header))
  const ciphertext = Buffer.concat([cipher.update(padded, 'utf8'), cipher.final()])
  const file: VaultFile = {
    ...header,
    check: checkValue(keys).toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  }
  return `${JSON.stringify(file, null, 2)}\n`
}

function decryptEntries(file: VaultFile, keys: Keys, path: string): Map<string, string> {
  if (!timingSafeEqual(checkValue(keys), Buffer.from(file.check, 'base64'))) {
    throw new QuireError('VAULT_LOCKED', { details: { path } })
  }
  let plaintext: string
  try {
    const decipher = createDecipheriv(CIPHER, keys.cipher, Buffer.from(file.iv, 'base64'))
    decipher.setAAD(additionalData(file))
    decipher.setAuthTag(Buffer.from(file.tag, 'base64'))
    plaintext = Buffer.concat([decipher.update(Buffer.from(file.ciphertext, 'base64')), decipher.final()]).toString('utf8')
  } catch (error) {
    throw corrupt(path, 'the contents fail their integrity check', error)
  }
  const entries = decodeEntries(plaintext)
  if (!entries) throw corrupt(path, 'the contents are not a list of credentials')
  return entries
}

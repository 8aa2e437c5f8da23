import { readFileIfExists, writeFileAtomic } from '../accounts/atomic-file'
import { decodeEntries, encodeEntries, SecretMapVault } from '../accounts/file-vault'
import { QuireError } from '../common/contract/errors'

/** The parts of Electron's `safeStorage` the vault uses (passed in, so tests need no Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: which secret store backs the key */
  getSelectedStorageBackend?(): string
}

export interface SafeStorageVaultOptions {
  /** the vault file, e.g. `<userData>/credentials.json` */
  path: string
  safeStorage: SafeStorageLike
  platform?: NodeJS.Platform
}

const FORMAT = 'quire-safe-storage'
const VERSION = 1

/**
 * The Electron credential vault: the whole name→secret map encrypted with the
 * OS keychain's key through `safeStorage` (so names are hidden too), stored as
 * one base64 blob in a JSON file written atomically. When the keychain cannot
 * protect the secrets it refuses to store them rather than fall back to plain
 * text. The file is read on first use, after app 'ready', since safeStorage is
 * not usable before it on Linux.
 */
export class SafeStorageVault extends SecretMapVault {
  constructor(options: SafeStorageVaultOptions) {
    const { path, safeStorage, platform = process.platform } = options
    const requireKeychain = () => assertKeychain(safeStorage, platform)
    super(
      async () => {
        requireKeychain()
        const bytes = await readFileIfExists(path)
        return bytes === undefined ? new Map() : decode(bytes, path, safeStorage)
      },
      async (entries) => {
        requireKeychain()
        const data = safeStorage.encryptString(encodeEntries(entries)).toString('base64')
        await writeFileAtomic(path, `${JSON.stringify({ format: FORMAT, version: VERSION, data }, null, 2)}\n`)
      },
    )
  }
}

function assertKeychain(safeStorage: SafeStorageLike, platform: NodeJS.Platform): void {
  // On Linux without a keyring safeStorage "encrypts" with a fixed, public key (basic_text): as good as plain text.
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined
  if (!safeStorage.isEncryptionAvailable() || backend === 'basic_text') {
    throw new QuireError('VAULT_LOCKED', {
      message:
        platform === 'linux'
          ? 'No system keyring is available, so Quire cannot store passwords safely and stores none. Install and unlock GNOME Keyring or KWallet (the Secret Service), then restart Quire.'
          : 'The system keychain is not available, so Quire cannot store passwords safely and stores none. Unlock the keychain, then restart Quire.',
      details: { reason: 'keychain-unavailable' },
    })
  }
}

function decode(bytes: Buffer, path: string, safeStorage: SafeStorageLike): Map<string, string> {
  const corrupt = (why: string, cause?: unknown) =>
    new QuireError('VAULT_CORRUPT', {
      message: `The credential store ${path} is damaged (${why}). It was left untouched; remove it to start over (the saved passwords must then be entered again).`,
      cause,
    })
  let file: { format?: unknown; version?: unknown; data?: unknown }
  try {
    file = JSON.parse(bytes.toString('utf8')) as typeof file
  } catch (error) {
    throw corrupt('not JSON', error)
  }
  if (typeof file !== 'object' || file === null || file.format !== FORMAT || file.version !== VERSION || typeof file.data !== 'string') {
    throw corrupt('not a Quire credential store')
  }
  let plaintext: string
  try {
    plaintext = safeStorage.decryptString(Buffer.from(file.data, 'base64'))
  } catch (error) {
    throw new QuireError('VAULT_LOCKED', {
      message: `The system keychain could not decrypt ${path}: its key has changed (a reset keychain, or a profile copied from another user or machine). The file was left untouched.`,
      cause: error,
    })
  }
  const entries = decodeEntries(plaintext)
  if (!entries) throw corrupt('the contents are not a list of credentials')
  return entries
}

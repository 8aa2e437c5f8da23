/**
 * Where secrets (passwords, tokens, private keys) live. Only main holds a vault;
 * nothing read from it ever crosses the contract. Electron backs it with the OS
 * keychain through safeStorage (src-main/shell/), web mode with an encrypted file.
 */
export interface CredentialVault {
  get(name: string): Promise<string | undefined>
  set(name: string, secret: string): Promise<void>
  delete(name: string): Promise<void>
  /** names only, never the secrets */
  names(): Promise<string[]>
}

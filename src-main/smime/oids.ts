/** Object identifiers of CMS (RFC 5652, 5083, 5084), S/MIME (RFC 8551), PKCS#12 (RFC 7292) and X.509 (RFC 5280). */
export const OID = {
  // RFC 5652 §4-§6 content types
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  // RFC 5652 §11 attributes
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  smimeCapabilities: '1.2.840.113549.1.9.15',
  // RFC 8551 §2.5.3, and Microsoft's equivalent that Outlook reads
  encryptionKeyPreference: '1.2.840.113549.1.9.16.2.11',
  msEncryptionKeyPreference: '1.3.6.1.4.1.311.16.4',
  preferBinaryInside: '1.2.840.113549.1.9.16.11.1',
  // digests
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // signatures and key transport
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha224WithRsa: '1.2.840.113549.1.1.14',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha224: '1.2.840.10045.4.3.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  // RFC 5753 §7.1.4 ECDH key agreement with the X9.63 KDF
  ecdhStdSha1Kdf: '1.3.133.16.840.63.0.2',
  ecdhStdSha224Kdf: '1.3.132.1.11.0',
  ecdhStdSha256Kdf: '1.3.132.1.11.1',
  ecdhStdSha384Kdf: '1.3.132.1.11.2',
  ecdhStdSha512Kdf: '1.3.132.1.11.3',
  // content encryption (RFC 3565, 5084) and key wrap (RFC 3394)
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  aes128Gcm: '2.16.840.1.101.3.4.1.6',
  aes192Gcm: '2.16.840.1.101.3.4.1.26',
  aes256Gcm: '2.16.840.1.101.3.4.1.46',
  aes128Wrap: '2.16.840.1.101.3.4.1.5',
  aes192Wrap: '2.16.840.1.101.3.4.1.25',
  aes256Wrap: '2.16.840.1.101.3.4.1.45',
  desEde3Cbc: '1.2.840.113549.3.7',
  rc2Cbc: '1.2.840.113549.3.2',
  // PKCS#5 / PKCS#12 password-based encryption
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha1: '1.2.840.113549.2.7',
  hmacWithSha224: '1.2.840.113549.2.8',
  hmacWithSha256: '1.2.840.113549.2.9',
  hmacWithSha384: '1.2.840.113549.2.10',
  hmacWithSha512: '1.2.840.113549.2.11',
  pbeSha1And3KeyTripleDesCbc: '1.2.840.113549.1.12.1.3',
  pbeSha1And2KeyTripleDesCbc: '1.2.840.113549.1.12.1.4',
  pbeSha1And128BitRc2Cbc: '1.2.840.113549.1.12.1.5',
  pbeSha1And40BitRc2Cbc: '1.2.840.113549.1.12.1.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  // X.509 (RFC 5280 §4.2) and names
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  anyExtendedKeyUsage: '2.5.29.37.0',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  emailAddress: '1.2.840.113549.1.9.1',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  // named curves
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
} as const

/** Digest algorithm OIDs and Node's names for them. */
export const DIGESTS: Record<string, 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'> = {
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
}

/** A readable name for the OIDs a user may be told about. */
export function algorithmName(oid: string): string {
  const names: Record<string, string> = {
    [OID.aes128Cbc]: 'AES-128-CBC',
    [OID.aes192Cbc]: 'AES-192-CBC',
    [OID.aes256Cbc]: 'AES-256-CBC',
    [OID.aes128Gcm]: 'AES-128-GCM',
    [OID.aes192Gcm]: 'AES-192-GCM',
    [OID.aes256Gcm]: 'AES-256-GCM',
    [OID.desEde3Cbc]: 'Triple DES',
    [OID.rc2Cbc]: 'RC2',
    [OID.pbeSha1And40BitRc2Cbc]: 'RC2-40 (PKCS#12)',
    [OID.pbeSha1And128BitRc2Cbc]: 'RC2-128 (PKCS#12)',
    [OID.rsaEncryption]: 'RSA',
    [OID.rsaesOaep]: 'RSA-OAEP',
    [OID.rsassaPss]: 'RSA-PSS',
    [OID.ecPublicKey]: 'ECDSA',
  }
  return names[oid] ?? oid
}

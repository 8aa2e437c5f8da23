/**
 * A structure that is not what CMS, PKCS#12 or X.509 say it must be. Internal: the reader turns it
 * into an outcome ("invalid", "cannot decrypt"), the certificate import into SMIME_UNREADABLE.
 */
export class SmimeFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SmimeFormatError'
  }
}

/** An algorithm we recognise but do not implement (RC2, DSA …), named for the user. */
export class SmimeUnsupportedError extends Error {
  constructor(readonly algorithm: string) {
    super(`unsupported algorithm ${algorithm}`)
    this.name = 'SmimeUnsupportedError'
  }
}

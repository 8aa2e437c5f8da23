import { AccountId } from '../../src-main/common/domain/account'
import type { DirectoryCertificateOffer, IdentitySmime } from '../../src-main/common/domain/smime'
import { missingCertificateText, missingWithOffersText, recipientAddresses, smimeChoice, smimeProblem } from '../../src-renderer/compose/smime-choice'

const fingerprint = `${'AB:'.repeat(31)}CD`
const identity: IdentitySmime = { accountId: AccountId.parse('account-1'), signingCertificate: fingerprint, encryptionCertificate: fingerprint, signByDefault: true, encryptByDefault: false }
const person = (email: string) => ({ name: '', email })

describe('the composer’s Sign and Encrypt toggles', () => {
  it('start at the identity’s defaults; the user’s choice for the draft wins', () => {
    expect(smimeChoice({}, identity)).toEqual({ sign: true, encrypt: false })
    expect(smimeChoice({ sign: false, encrypt: true }, identity)).toEqual({ sign: false, encrypt: true })
    expect(smimeChoice({}, undefined)).toEqual({ sign: false, encrypt: false })
  })

  it('asks main about every recipient once (To, Cc, Bcc), case aside', () => {
    expect(recipientAddresses({ to: [person('Bob@Example.test')], cc: [person('carol@example.test')], bcc: [person('bob@example.test')] })).toEqual(['bob@example.test', 'carol@example.test'])
  })

  it('says what is missing before anything is sent when the identity has no certificate for the choice', () => {
    expect(smimeProblem({ sign: true, encrypt: true }, identity)).toBeNull()
    expect(smimeProblem({ sign: true, encrypt: false }, { ...identity, signingCertificate: null })).toMatch(/no certificate to sign with/)
    expect(smimeProblem({ sign: false, encrypt: true }, { ...identity, encryptionCertificate: null })).toMatch(/Encrypt off/)
    expect(smimeProblem({ sign: false, encrypt: false }, undefined)).toBeNull()
  })

  it('names who has no certificate, and offers unencrypted or cancel', () => {
    expect(missingCertificateText(['carol@example.test'])).toBe('carol@example.test has no certificate to encrypt to. Send the message unencrypted, or cancel?')
    expect(missingCertificateText(['a@x.test', 'b@x.test', 'c@x.test'])).toMatch(/^a@x\.test, b@x\.test and c@x\.test have no certificate/)
  })

  it('with a directory’s certificate on offer, asks to trust it, and still names those without any', () => {
    const offer = { address: 'alice@example.test' } as DirectoryCertificateOffer
    expect(missingWithOffersText(['alice@example.test'], [offer])).toBe('Trust the directory’s certificate below to send encrypted. Or send the message unencrypted, or cancel.')
    expect(missingWithOffersText(['alice@example.test', 'carol@example.test'], [offer])).toBe(
      'Trust the directory’s certificate below to send encrypted. carol@example.test has no certificate to encrypt to. Send the message unencrypted, or cancel?',
    )
  })
})

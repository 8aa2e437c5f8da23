// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import type { SmimeState } from '../../src-main/common/domain/smime'

const fingerprint = `${'AB:'.repeat(31)}CD`
const summary = {
  fingerprint,
  subject: 'CN=Alice Example, O=Quire Test',
  commonName: 'Alice Example',
  issuer: 'CN=Quire Test Root CA',
  issuerCommonName: 'Quire Test Root CA',
  emails: ['alice@example.test'],
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2029-01-01T00:00:00.000Z',
  serialNumber: '01',
  keyAlgorithm: 'RSA 2048',
  canSign: true,
  canEncrypt: true,
  isCa: false,
  selfSigned: false,
}
const empty: SmimeState = { own: [], identities: [], peers: [], trusted: [], preferences: { cacheDecrypted: false, useSystemRoots: true }, systemRootCount: 140 }

const calls: { name: string; input: unknown }[] = []
let emitState: (state: SmimeState) => void = () => {}
const answers: Record<string, (input: unknown) => unknown> = {}

// main, as the renderer sees it: the contract's client
vi.mock('../../src-renderer/shell/connection.svelte', () => ({
  mainConnection: {
    ready: Promise.resolve({
      call: async (name: string, input: unknown) => {
        calls.push({ name, input })
        const answer = answers[name]
        if (!answer) throw new Error(`unexpected ${name}`)
        return answer(input)
      },
      subscribe: (name: string, _input: unknown, handlers: { onEvent(value: unknown): void }) => {
        if (name === 'smime.changed') {
          emitState = (state) => handlers.onEvent(state)
          handlers.onEvent(empty)
        }
        if (name === 'accounts.changed') handlers.onEvent([{ id: 'acct-alice-1', name: 'Work', email: 'alice@example.test' }])
        return () => {}
      },
    }),
  },
}))

const { RpcError } = await import('../../src-renderer/rpc/client')
const { default: SecuritySection } = await import('../../src-renderer/settings/SecuritySection.svelte')

function pick(input: HTMLInputElement, file: File) {
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  return fireEvent.change(input)
}

describe('Settings → Security', () => {
  it('imports a .p12: a wrong password is shown beside the password; the right one imports and lists the certificate', async () => {
    render(SecuritySection)
    expect(await screen.findByRole('heading', { name: 'No certificate of your own' })).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Import certificate' }))
    const dialog = await screen.findByRole('dialog', { name: 'Import your certificate' })
    await pick(dialog.querySelector('input[type=file]') as HTMLInputElement, new File([new Uint8Array([0x30, 0x82, 1, 2])], 'alice.p12'))
    await screen.findByText('alice.p12')

    answers['smime.importPkcs12'] = () => {
      throw new RpcError({ code: 'SMIME_WRONG_PASSWORD', message: 'That password does not open this certificate file. Check it and try again.', retryable: false })
    }
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    expect(await screen.findByText(/That password does not open/)).toBeTruthy()
    expect(calls.at(-1)).toEqual({ name: 'smime.importPkcs12', input: { data: 'MIIBAg==', password: 'wrong' } })

    answers['smime.importPkcs12'] = () => ({ ...summary, status: 'valid', chain: [], importedAt: '2026-01-01T00:00:00.000Z' })
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'alice-secret' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    await screen.findByText('Imported the certificate of Alice Example.')
    emitState({
      ...empty,
      own: [{ ...summary, status: 'valid', chain: [], importedAt: '2026-01-01T00:00:00.000Z' }],
      identities: [{ accountId: 'acct-alice-1' as never, signingCertificate: fingerprint, encryptionCertificate: fingerprint, signByDefault: false, encryptByDefault: false }],
    })
    await waitFor(() => expect(screen.getByText('Used for signing and encryption for alice@example.test')).toBeTruthy())
    expect(screen.getByRole('combobox', { name: 'Signing certificate for alice@example.test' })).toBeTruthy()
  })

  it('refuses a file that is too large before sending it to main', async () => {
    render(SecuritySection)
    const peers = await screen.findByRole('region', { name: 'Other people’s certificates' })
    const before = calls.length
    await pick(peers.querySelector('input[type=file]') as HTMLInputElement, new File([new Uint8Array(1024 * 1024 + 1)], 'huge.p7c'))
    expect(await screen.findByText(/“huge.p7c” is 1025 KB/)).toBeTruthy()
    expect(calls.length).toBe(before)
  })
})

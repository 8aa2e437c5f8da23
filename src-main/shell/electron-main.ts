import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  MessageChannelMain,
  protocol,
  safeStorage,
  session,
  shell,
  type IpcMainEvent,
  type WebContents,
} from 'electron'
import { createApp, type App } from '../main'
import { messagePortEndpoint } from '../rpc/message-port-endpoint'
import { APP_ENTRY_URL, APP_SCHEME, appProtocolHandler } from './app-protocol'
import { installApplicationMenu } from './application-menu'
import { CONNECT_CHANNEL, PORT_MESSAGE } from './bridge-channels'
import { portLikeFromEmitter } from './message-port-main-adapter'
import { SafeStorageVault } from './safe-storage-vault'
import { isTrustedSender } from './sender-policy'
import { canNavigateMainFrame, canNavigateSubframe, externalLinkTarget, isPermissionAllowed } from './window-policy'

// The Electron entry (built to out/main/index.js); the built renderer and
// preload sit beside it in out/renderer and out/preload.
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url))
const PRELOAD_PATH = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))

// Both must happen before 'ready'.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
app.enableSandbox()
// renderers get V8's `gc`: the page collects after a burst of syncing (src-renderer/shell/idle-collection.ts)
app.commandLine.appendSwitch('js-flags', '--expose-gc')

// `--data-dir DIR` (npm start passes it on) moves userData, and with it the single-instance lock.
const dataDirArgument = dataDirFromArgv(process.argv)
if (dataDirArgument) app.setPath('userData', dataDirArgument)

let window: BrowserWindow | undefined
let quire: App | undefined
let lifecycle: 'starting' | 'running' | 'closing' | 'closed' = 'starting'
/** the RPC connection of each window's main frame, by webContents id */
const connections = new Map<number, () => void>()

if (app.requestSingleInstanceLock()) {
  app.on('second-instance', focusWindow)
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', (event) => {
    if (lifecycle === 'closed' || !quire) return
    // give the services their close (sessions logged out, files flushed) before the process ends
    event.preventDefault()
    if (lifecycle === 'closing') return
    lifecycle = 'closing'
    for (const close of connections.values()) close()
    connections.clear()
    void quire
      .close()
      .catch((error: unknown) => console.error('[quire] closing failed:', error instanceof Error ? error.message : error))
      .finally(() => {
        lifecycle = 'closed'
        app.quit()
      })
  })
  app.whenReady().then(start).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    console.error('[quire] could not start:', error instanceof Error ? error.stack : error)
    dialog.showErrorBox('Quire could not start', message)
    app.exit(1)
  })
} else {
  // another Quire owns this profile; it has been told to show its window
  app.quit()
}

async function start(): Promise<void> {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(details.isMainFrame && isPermissionAllowed(permission, details.requestingUrl))
  })
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin))
  ses.protocol.handle(APP_SCHEME, appProtocolHandler(RENDERER_DIR))
  installApplicationMenu()

  const dataDir = app.getPath('userData')
  quire = await createApp({
    mode: 'electron',
    dataDir,
    vault: new SafeStorageVault({ path: join(dataDir, 'credentials.json'), safeStorage }),
  })
  lifecycle = 'running'
  ipcMain.on(CONNECT_CHANNEL, connect)
  app.on('activate', () => {
    if (!window) createWindow()
  })
  createWindow()
}

function createWindow(): void {
  const created = new BrowserWindow({
    title: 'Quire',
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: !app.isPackaged,
    },
  })
  const id = created.webContents.id
  created.once('ready-to-show', () => created.show())
  created.on('closed', () => {
    connections.get(id)?.()
    connections.delete(id)
    if (window === created) window = undefined
  })
  window = created
  created.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    console.error(`[quire] could not load ${APP_ENTRY_URL}:`, error instanceof Error ? error.message : error)
  })
}

function focusWindow(): void {
  if (!window) return
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}

/**
 * Hands the asking page an RPC port, if it is the app in our window's main
 * frame. A reload asks again: the new port replaces the old connection.
 */
function connect(event: IpcMainEvent): void {
  const contents = window && !window.isDestroyed() ? window.webContents : undefined
  const frame = event.senderFrame
  if (!quire || lifecycle !== 'running' || !contents || event.sender !== contents || !frame || !isTrustedSender(frame, contents.mainFrame)) {
    console.warn('[quire] refused an RPC connection request from a frame that is not the app window')
    return
  }
  const { port1, port2 } = new MessageChannelMain()
  connections.get(contents.id)?.()
  connections.set(contents.id, quire.router.connect(messagePortEndpoint(portLikeFromEmitter(port1))))
  frame.postMessage(PORT_MESSAGE, null, [port2])
}

/** Applied to every webContents Electron creates, so no later window escapes it. */
function hardenWebContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.on('will-navigate', (event) => {
    if (!canNavigateMainFrame(event.url)) event.preventDefault()
  })
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !canNavigateSubframe(event.url)) event.preventDefault()
  })
  contents.on('will-redirect', (event) => {
    if (!(event.isMainFrame ? canNavigateMainFrame(event.url) : canNavigateSubframe(event.url))) event.preventDefault()
  })
  contents.setWindowOpenHandler(({ url }) => {
    const target = externalLinkTarget(url)
    if (target) {
      shell.openExternal(target).catch((error: unknown) => {
        console.error('[quire] could not open a link in the system browser:', error instanceof Error ? error.message : error)
      })
    }
    return { action: 'deny' }
  })
}

function dataDirFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg.startsWith('--data-dir=')) return resolve(arg.slice('--data-dir='.length))
    if (arg === '--data-dir' && argv[i + 1]) return resolve(argv[i + 1] as string)
  }
  return undefined
}

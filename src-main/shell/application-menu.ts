import { app, Menu, type MenuItemConstructorOptions } from 'electron'

/** File, Edit, View, Window, Help; reload and developer tools only in an unpackaged (development) run. */
export function installApplicationMenu(): void {
  const isMac = process.platform === 'darwin'
  const development = !app.isPackaged
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    // on macOS Quit lives in the app menu, so File closes the window instead
    { label: '&File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...(development ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] satisfies MenuItemConstructorOptions[] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: `About ${app.name}`, click: () => app.showAboutPanel() }] },
  ]
  app.setAboutPanelOptions({ applicationName: app.name, applicationVersion: app.getVersion() })
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

import { resolve } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'

/** The renderer as a plain web app (web mode); the same sources electron-vite builds for Electron. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [svelte({ configFile: false })],
  build: { outDir: resolve(import.meta.dirname, 'out/web'), emptyOutDir: true, target: 'chrome130' },
})

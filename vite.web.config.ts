import { resolve } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'

/** The renderer as a plain web app (web mode); the same sources electron-vite builds for Electron. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: resolve(import.meta.dirname, 'out/web'),
    emptyOutDir: true,
    target: 'chrome130',
    // the page keeps its script's source in memory for as long as it runs: all-ASCII source is kept
    // one byte per character, source with any other character two (the bundle: 2.9 → 1.5 MB)
    rolldownOptions: { output: { charset: 'ascii' } },
  },
})

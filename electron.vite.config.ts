import { resolve } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'electron-vite'

const root = import.meta.dirname

/**
 * The Electron build: main (ESM, out/main/index.js, package.json "main"), the
 * sandboxed preload (CommonJS, out/preload/index.cjs) and the renderer
 * (out/renderer, served to the window from app://quire/). Only `build` works
 * without the Electron binary; develop the renderer in web mode.
 */
export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: { input: { index: resolve(root, 'src-main/shell/electron-main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/shell/preload.ts') },
        // sandboxed preloads run as CommonJS, and package.json says "type": "module"
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    base: './',
    plugins: [svelte({ configFile: false })],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // minified and all-ASCII, as web mode's build: the page keeps its script's source in memory,
      // one byte per character when it is all ASCII, two otherwise (comments count; see vite.web.config.ts)
      minify: true,
      rolldownOptions: { input: { index: resolve(root, 'src-renderer/index.html') }, output: { charset: 'ascii' } },
    },
  },
})

import { resolve } from 'node:path'
import { defineConfig } from 'vite'

/** The headless web-mode server (`npm run serve`): main's services for plain Node, deps left external. */
export default defineConfig({
  build: {
    ssr: resolve(import.meta.dirname, 'src-main/web/serve.ts'),
    outDir: resolve(import.meta.dirname, 'out/server'),
    emptyOutDir: true,
    target: 'node20',
    rolldownOptions: { output: { entryFileNames: 'serve.js', format: 'esm' } },
  },
})

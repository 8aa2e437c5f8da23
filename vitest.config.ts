import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

/**
 * `unit`: fast, no servers; Svelte components render under jsdom in files that say `// @vitest-environment jsdom`.
 * `integration`: against real servers on loopback (test/servers), one stack started for the whole run.
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [svelte({ configFile: false })],
        // Svelte's "browser" export is the client runtime, which can mount components; the default is the server one
        resolve: { conditions: ['browser'] },
        // Testing Library ships .svelte files, which Node cannot import: they must go through the Svelte plugin
        ssr: { noExternal: ['@testing-library/svelte', '@testing-library/svelte-core'] },
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          globals: true,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globals: true,
          globalSetup: ['test/servers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // every file shares the one stack of servers, so they must not change it under each other
          fileParallelism: false,
        },
      },
      {
        // `npm run bench` (scripts/bench.mjs): measurements, not tests — never part of `npm test`
        test: {
          name: 'bench',
          include: ['test/bench/**/*.measure.ts'],
          environment: 'node',
          globals: true,
          globalSetup: ['test/servers/global-setup.ts'],
          testTimeout: 30 * 60_000,
          hookTimeout: 10 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
})

import { defineConfig } from 'vite';

/**
 * `pnpm build:cli`: the `tlslab` command as one JavaScript file (packages/engine/dist/tlslab.mjs)
 * for Node, dependencies bundled, so it starts without a TypeScript loader (`tlslab --help`
 * in tens of milliseconds instead of the ~1 s tsx needs to start).
 */
export default defineConfig({
  publicDir: false,
  plugins: [
    {
      // The source's `#!/usr/bin/env -S npx tsx` gives way to the banner's plain node.
      name: 'tlslab-hashbang',
      transform: (code, id) => (id.endsWith('cli/main.ts') ? code.replace(/^#!.*\n/, '') : undefined),
    },
  ],
  logLevel: 'warn',
  build: {
    ssr: 'packages/engine/src/cli/main.ts',
    outDir: 'packages/engine/dist',
    emptyOutDir: true,
    target: 'node20',
    minify: true,
    sourcemap: false,
    rollupOptions: {
      // Commands and providers are chunks of their own (loaded on demand): --help loads almost nothing.
      output: { entryFileNames: 'tlslab.mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', banner: (chunk) => (chunk.isEntry ? '#!/usr/bin/env node' : '') },
    },
  },
  ssr: { noExternal: true, target: 'node' },
});

import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * V8 compiles a function the first time it is called; in this app that is the first time each
 * kind of step is shown, so the first pass through a run after a load paid for compiling in the
 * click's frame. The "explicit compile hint" comment (Chromium 136+; other engines ignore it)
 * has the app's chunks compiled eagerly while they load, off the main thread.
 */
function compileHints(): Plugin {
  return {
    name: 'tlslab-compile-hints',
    apply: 'build',
    enforce: 'post',
    // After minification, which drops comments.
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk') chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
    },
  };
}

// The app lives in app/; static files (sample certificates, favicon) in public/.
export default defineConfig({
  root: 'app',
  publicDir: '../public',
  base: './',
  plugins: [react(), compileHints()],
  worker: { format: 'es' },
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  server: { host: '127.0.0.1', port: 5173 },
});

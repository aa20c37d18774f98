import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app lives in app/; static files (sample certificates, favicon) in public/.
export default defineConfig({
  root: 'app',
  publicDir: '../public',
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  server: { host: '127.0.0.1', port: 5173 },
});

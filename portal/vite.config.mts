import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// An ES module (Vite's native config loading) has no __dirname of its own.
const appDir = path.dirname(fileURLToPath(import.meta.url));

/** The customer Payments portal, served by the API under /portal/. */
export default defineConfig({
  root: appDir,
  base: '/portal/',
  plugins: [react()],
  build: {
    outDir: path.resolve(appDir, 'dist'),
    emptyOutDir: true,
    // Built for reading error reports, without the comment that would point browsers at them.
    sourcemap: 'hidden',
  },
  server: {
    // `vite --config portal/vite.config.mts` during UI work: API calls go to a running API.
    proxy: { '/api': process.env.PORTAL_API_URL ?? 'http://127.0.0.1:3000' },
  },
});

import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// An ES module (Vite's native config loading) has no __dirname of its own.
const appDir = path.dirname(fileURLToPath(import.meta.url));

/** The operator console (react-admin), served by the API under /admin/. */
export default defineConfig({
  root: appDir,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: path.resolve(appDir, 'dist'),
    emptyOutDir: true,
    // Built for reading error reports, without the comment that would point browsers at them.
    sourcemap: 'hidden',
    // react-admin and MUI make one large vendor chunk; that is expected for an internal console.
    chunkSizeWarningLimit: 4000,
  },
  server: {
    // `vite --config admin/vite.config.mts` during UI work: API calls go to a running API on the
    // same origin through this proxy, so the session cookie and CSRF header work unchanged.
    proxy: { '/api': process.env.ADMIN_API_URL ?? 'http://127.0.0.1:3000' },
  },
});

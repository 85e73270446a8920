import react from '@vitejs/plugin-react';
import path from 'node:path';
import { defineConfig } from 'vite';

/** The customer Payments portal, served by the API under /portal/. */
export default defineConfig({
  root: __dirname,
  base: '/portal/',
  plugins: [react()],
  build: {
    outDir: path.resolve(__dirname, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // `vite --config portal/vite.config.ts` during UI work: API calls go to a running API.
    proxy: { '/api': process.env.PORTAL_API_URL ?? 'http://127.0.0.1:3000' },
  },
});

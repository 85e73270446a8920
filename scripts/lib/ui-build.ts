import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds a Vite app when its dist is missing or older than its sources (or domain/ it imports). */
export function buildUiIfStale(appDir: string, log: (line: string) => void): void {
  const index = path.join(appDir, 'dist', 'index.html');
  const config = path.join(appDir, 'vite.config.mts');
  if (!existsSync(config)) return;
  const sourcesChanged = Math.max(newestMtime(appDir), newestMtime(path.resolve(appDir, '../domain')));
  if (existsSync(index) && statSync(index).mtimeMs >= sourcesChanged) return;
  log(`building ${path.basename(appDir)} with Vite…`);
  // Vite's package exports do not include its CLI file, so it is run by path.
  const viteCli = path.resolve(__dirname, '../../node_modules/vite/bin/vite.js');
  // Always the production build, whoever asks (the test run sets NODE_ENV=test, which would
  // otherwise give React's development build: slower, and not what dealers are served).
  const result = spawnSync(process.execPath, [viteCli, 'build', '--config', config, '--logLevel', 'warn'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error(`vite build of ${appDir} failed`);
}

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The production build as the image holds it: `npm run build` in the project, then a folder
 * with only the runtime dependencies (`npm ci --omit=dev`, redone only when the lock file
 * changed) and the compiled server, workflow bundle and built UIs.
 */
export function prepareRuntime(root: string, dir: string, options: { build: boolean; log: (line: string) => void }): { dir: string; nodeModulesMb: number } {
  if (options.build) {
    options.log('npm run build (server, workflow bundle, UIs)…');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  mkdirSync(dir, { recursive: true });
  const lock = readFileSync(path.join(root, 'package-lock.json'));
  const lockHash = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(dir, 'node_modules', '.runtime-lock-hash');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
    options.log('installing runtime dependencies only (npm ci --omit=dev)…');
    cpSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    writeFileSync(path.join(dir, 'package-lock.json'), lock);
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(stamp, lockHash);
  }
  for (const part of ['build', 'admin/dist', 'portal/dist']) {
    rmSync(path.join(dir, part), { recursive: true, force: true });
    cpSync(path.join(root, part), path.join(dir, part), { recursive: true });
  }
  const du = spawnSync('du', ['-sm', path.join(dir, 'node_modules')], { encoding: 'utf8' });
  return { dir, nodeModulesMb: Number(du.stdout.split('\t')[0]) };
}

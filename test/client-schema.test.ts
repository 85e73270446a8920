import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The typed v1 client's types (clients/v1/schema.d.ts) are generated from the v1 OpenAPI
 * document; a contract changed without `npm run generate:client` fails here, so the committed
 * client never drifts from the API it calls. openapi-typescript is an ES module, so the
 * generator runs as its own process, exactly as the npm script runs it.
 */
const root = path.resolve(__dirname, '..');

describe('generated v1 client', () => {
  it('is what the v1 contracts generate today', async () => {
    const run = promisify(execFile);
    const result = await run(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/generate-client.ts', '--check'], { cwd: root })
      .catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: `${error.stderr ?? ''}`, failed: true }));
    expect(result).not.toHaveProperty('failed');
    expect(result.stdout).toContain('is up to date');
  }, 120_000);
});

import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Workflow code runs in Temporal's deterministic sandbox, bundled from workflows/index.ts.
 * The client modules beside the definitions (workflows/*-client.ts) import @temporalio/client
 * and the database, so nothing reachable from the bundle's entry may import them.
 */
const root = path.resolve(__dirname, '..');

function reachableFrom(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const source = readFileSync(file, 'utf8');
    // Type-only imports are erased before bundling, so they reach nothing.
    const specifiers = [...source.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1]!);
    seen.set(file, specifiers);
    for (const specifier of specifiers) {
      if (!specifier.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), specifier);
      visit(base.endsWith('.ts') ? base : `${base}.ts`);
    }
  };
  visit(entry);
  return seen;
}

describe('the workflow bundle', () => {
  const reachable = reachableFrom(path.join(root, 'workflows/index.ts'));

  it('reaches every workflow but no client module, activity or store', () => {
    const files = [...reachable.keys()].map((file) => path.relative(root, file));
    expect(files).toEqual(expect.arrayContaining(['workflows/payment.ts', 'workflows/settlement.ts', 'workflows/gl-posting.ts']));
    expect(files.filter((file) => /-client\.ts$|^(db|api|services|runtime|integrations)\//.test(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith('activities/'))).toEqual(files.includes('activities/errors.ts') ? ['activities/errors.ts'] : []);
  });

  it('imports only the sandbox-safe Temporal packages', () => {
    const packages = new Set([...reachable.values()].flat().filter((specifier) => !specifier.startsWith('.')));
    for (const name of packages) expect(['@temporalio/workflow', '@temporalio/common']).toContain(name);
  });
});

import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../runtime/project-root';

/**
 * Bundles the workflow code once at build time (`npm run build`), so a production worker
 * loads build/workflow-bundle.js instead of bundling for seconds at every start.
 */
async function main(): Promise<void> {
  const root = projectRoot(__dirname);
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(root, 'workflows', 'index.ts') });
  const out = path.join(root, 'build', 'workflow-bundle.js');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  process.stdout.write(`workflow bundle: ${path.relative(root, out)} (${(code.length / 1024).toFixed(0)} KiB)\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

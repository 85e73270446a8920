import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, TRACED_WORKFLOW_BUNDLE, WORKFLOW_BUNDLE } from '../runtime/project-root';
import { TRACING_WORKFLOW_INTERCEPTORS } from '../runtime/tracing';

/**
 * Bundles the workflow code once at build time (`npm run build`), so a production worker
 * loads build/workflow-bundle.js instead of bundling for seconds at every start; a second
 * bundle holds the tracing interceptors, for workers with tracing on.
 */
async function main(): Promise<void> {
  const root = projectRoot(__dirname);
  for (const [file, workflowInterceptorModules] of [[WORKFLOW_BUNDLE, []], [TRACED_WORKFLOW_BUNDLE, [TRACING_WORKFLOW_INTERCEPTORS]]] as const) {
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(root, 'workflows', 'index.ts'), workflowInterceptorModules: [...workflowInterceptorModules] });
    const out = path.join(root, 'build', file);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, code);
    process.stdout.write(`workflow bundle: ${path.relative(root, out)} (${(code.length / 1024).toFixed(0)} KiB)\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

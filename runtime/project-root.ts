import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding package.json, from a module's own folder: the same answer whether the
 * module runs from source (api/app.ts) or compiled (build/api/app.js), so the built UIs and the
 * prebuilt workflow bundle are found either way.
 */
export function projectRoot(fromDir: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${fromDir}`);
  }
}

/** The bundle `npm run build` writes with the tracing interceptors in it (runtime/tracing.ts). */
export const TRACED_WORKFLOW_BUNDLE = 'workflow-bundle-traced.js';
export const WORKFLOW_BUNDLE = 'workflow-bundle.js';

/**
 * The workflow bundle `npm run build` writes, when this process runs compiled code and the
 * bundle exists: the traced one when tracing is on, since workflow interceptors can only be
 * bundled in, not added to a bundle at start.
 */
export function prebuiltWorkflowBundle(fromDir: string, traced = false): string | undefined {
  const bundle = path.join(projectRoot(fromDir), 'build', traced ? TRACED_WORKFLOW_BUNDLE : WORKFLOW_BUNDLE);
  return __filename.endsWith('.js') && existsSync(bundle) ? bundle : undefined;
}

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

/** The workflow bundle `npm run build` writes, when this process runs compiled code and the bundle exists. */
export function prebuiltWorkflowBundle(fromDir: string): string | undefined {
  const bundle = path.join(projectRoot(fromDir), 'build', 'workflow-bundle.js');
  return __filename.endsWith('.js') && existsSync(bundle) ? bundle : undefined;
}

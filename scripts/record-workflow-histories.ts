/**
 * Records replay fixtures for the payment, settlement, GL-posting and Spruce-sync workflows
 * from a real run (test/replay/record-workflow-histories.test.ts under the suite's own setup:
 * a fresh database, a Temporal dev server, the emulators, the real activities).
 *
 *   npx tsx scripts/record-workflow-histories.ts [--only payment,settlement,spruce-sync]
 *       [--label <name>] [--workflows <dir>/workflows/index.ts]
 *
 * --label prefixes every file written (default: the current commit, so a fixture says which
 * code wrote it). --workflows records with another checkout's workflow code (an older commit
 * extracted with `git archive <commit> workflows domain | tar -x -C /tmp/old`), so the fixture
 * holds what workflows started under that shape did. `settlement` records the GL-posting
 * history too (one run posts and resolves a settlement).
 * Writes test/replay/histories/<workflow>/<label>-<scenario>.history.bin.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const root = path.resolve(__dirname, '..');
const label = option('label') ?? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
const workflows = option('workflows');

const run = spawnSync('npx', ['jest', '--runInBand', 'test/replay/record-workflow-histories.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    RECORD_WORKFLOW_HISTORIES: '1',
    RECORD_LABEL: label,
    RECORD_ONLY: option('only') ?? '',
    ...(workflows ? { RECORD_WORKFLOWS_PATH: path.resolve(workflows) } : {}),
  },
});
process.exit(run.status ?? 1);

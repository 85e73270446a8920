import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A benchmark that fails or is interrupted stops every process it started (bench/lib/owned-processes.ts):
 * the fixture starts a small process tree, then fails in one way each, and no process of the tree may survive it.
 */
const FIXTURE = path.resolve(__dirname, '../support/owned-process-tree.ts');

function alive(pid: number): boolean {
  try {
    // A zombie has ended; only its parent's bookkeeping is left.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function failTree(mode: 'reject' | 'throw' | 'exit' | 'SIGTERM' | 'SIGINT'): Promise<{ pids: number[]; code: number | null; output: string }> {
  const fixture = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode.startsWith('SIG') ? 'signal' : mode], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let pids: number[] = [];
  const started = new Promise<void>((resolve) => {
    fixture.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line && pids.length === 0) {
        pids = (JSON.parse(line) as { pids: number[] }).pids;
        resolve();
      }
    });
  });
  fixture.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => fixture.once('exit', (code) => resolve(code)));
  await started;
  expect(pids).toHaveLength(3);
  expect(pids.every(alive)).toBe(true);
  if (mode.startsWith('SIG')) fixture.kill(mode as NodeJS.Signals);
  else fixture.stdin.write('fail now\n');
  const code = await exited;
  // The exit handler's SIGKILL is sent as the process ends; give the kernel a moment to deliver it.
  for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return { pids, code, output };
}

describe('processes a benchmark owns', () => {
  it.concurrent.each(['reject', 'throw', 'SIGTERM', 'SIGINT', 'exit'] as const)('are all gone after the benchmark ends by %s, grandchildren and SIGTERM-deaf ones included', async (mode) => {
    const { pids, code, output } = await failTree(mode);
    expect(pids.filter(alive)).toEqual([]);
    expect(code).toBe({ reject: 1, throw: 1, SIGTERM: 143, SIGINT: 130, exit: 3 }[mode]);
    // Registered cleanups (stopping servers, dropping databases) run on a crash or a signal.
    if (mode !== 'exit') expect(output).toContain('cleanup ran');
  }, 10_000);
});

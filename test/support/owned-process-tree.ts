import { onInterrupt, spawnOwned } from '../../bench/lib/owned-processes';

/**
 * A benchmark's process tree in miniature, for test/bench/owned-processes.test.ts: two owned
 * children, one of which starts a grandchild and one of which ignores SIGTERM. Prints every
 * pid as one JSON line, waits for a line on stdin (the test has seen them alive), then fails the way argv[2] says: `reject` (an unhandled rejection),
 * `throw` (an uncaught exception), `exit` (process.exit without cleaning up), or waits for the
 * test's signal (`signal`).
 */
const mode = process.argv[2] ?? 'signal';
const idle = 'setInterval(() => {}, 1000);';

function pidLine(child: ReturnType<typeof spawnOwned>): Promise<number[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.trim().split(' ').map(Number));
    });
    child.once('error', reject);
  });
}

async function main(): Promise<void> {
  const parent = spawnOwned(process.execPath, ['-e', `
    const grandchild = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(idle)}], { stdio: 'ignore' });
    process.stdout.write(process.pid + ' ' + grandchild.pid + '\\n');
    ${idle}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stubborn = spawnOwned(process.execPath, ['-e', `process.on('SIGTERM', () => {}); process.stdout.write(process.pid + '\\n'); ${idle}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  onInterrupt(async () => {
    process.stdout.write('cleanup ran\n');
  });
  const pids = [...(await pidLine(parent)), ...(await pidLine(stubborn))];
  process.stdout.write(`${JSON.stringify({ pids })}\n`);
  await new Promise((resolve) => process.stdin.once('data', resolve));
  if (mode === 'reject') void Promise.reject(new Error('a benchmark step failed'));
  if (mode === 'throw') setTimeout(() => { throw new Error('a benchmark step threw'); }, 10);
  if (mode === 'exit') process.exit(3);
  setInterval(() => undefined, 1000);
}

void main();

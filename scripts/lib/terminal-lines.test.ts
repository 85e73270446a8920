import { buildProgressLine } from '../../runtime/temporal-cli';
import { shownOnTerminal, structuredLogLevel } from './terminal-lines';

const requestLog = JSON.stringify({ level: 30, time: 1, msg: 'request completed', req: { method: 'GET', url: '/api/portal/me' } });
const warning = JSON.stringify({ level: 40, msg: 'Spruce unreachable, retrying' });
const failure = JSON.stringify({ level: 50, msg: 'activity failed' });

describe('the dev stack terminal', () => {
  it('keeps request logs off the terminal so the ready banner stays readable', () => {
    expect(shownOnTerminal('api', requestLog, { allLogs: false })).toBe(false);
    expect(shownOnTerminal('worker', JSON.stringify({ level: 20, msg: 'debug' }), { allLogs: false })).toBe(false);
  });

  it('still shows warnings, errors and anything that is not a structured log line', () => {
    expect(shownOnTerminal('worker', warning, { allLogs: false })).toBe(true);
    expect(shownOnTerminal('api', failure, { allLogs: false })).toBe(true);
    expect(shownOnTerminal('api', 'TypeError: cannot read properties of undefined', { allLogs: false })).toBe(true);
    expect(shownOnTerminal('seed', '{ not json', { allLogs: false })).toBe(true);
  });

  it('shows every line when asked, except the Temporal server of its own', () => {
    expect(shownOnTerminal('api', requestLog, { allLogs: true })).toBe(true);
    expect(shownOnTerminal('temporal', failure, { allLogs: true })).toBe(false);
  });

  it('reads the pino level only from JSON lines that carry a numeric one', () => {
    expect(structuredLogLevel(requestLog)).toBe(30);
    expect(structuredLogLevel(JSON.stringify({ level: 'info' }))).toBeUndefined();
    expect(structuredLogLevel('plain text')).toBeUndefined();
  });
});

describe('Temporal CLI build progress', () => {
  it('says modules are being fetched until the first package compiles', () => {
    expect(buildProgressLine({ modules: 42, packages: 0 }, 95_000)).toBe('  …fetching Go modules: 42 downloaded, 1 min 35 s elapsed');
    expect(buildProgressLine({ modules: 0, packages: 0 }, 30_000)).toBe('  …building from Go\'s cache, 0 min 30 s elapsed');
  });

  it('gives a share of the typical package count, never claiming to be done before it is', () => {
    expect(buildProgressLine({ modules: 300, packages: 550 }, 6 * 60_000)).toMatch(/550 of about \d[\d,]* packages \(~\d+%\), 6 min 00 s elapsed/);
    expect(buildProgressLine({ modules: 300, packages: 5_000 }, 60_000)).toContain('(~99%)');
  });
});

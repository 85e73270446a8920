/**
 * Which lines of the dev stack's children reach the terminal. Request and progress logs would
 * bury the ready banner within seconds, so by default only warnings, errors and lines that are
 * not structured logs (a crash's stack trace) show; every line still reaches its log file.
 */
const WARN_LEVEL = 40;

/** Children whose own output is noise on a developer's terminal even when every log is asked for. */
const NEVER_SHOWN = new Set(['temporal']);

export function shownOnTerminal(child: string, line: string, options: { allLogs: boolean }): boolean {
  if (NEVER_SHOWN.has(child)) return false;
  if (options.allLogs) return true;
  const level = structuredLogLevel(line);
  return level === undefined || level >= WARN_LEVEL;
}

/** The numeric level of a pino JSON line, or undefined for anything else. */
export function structuredLogLevel(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'number' ? level : undefined;
  } catch {
    return undefined;
  }
}

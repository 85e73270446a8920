import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Security tests keep their figures in docs/reliability.md between markers, so each rerun
 * replaces its own section and leaves the rest of the document alone.
 */
const REPORT = path.resolve(__dirname, '../../docs/reliability.md');

export function writeReportSection(name: string, markdown: string): void {
  const begin = `<!-- BEGIN generated:${name} -->`;
  const end = `<!-- END generated:${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const current = existsSync(REPORT) ? readFileSync(REPORT, 'utf8') : '# Reliability\n';
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next = start >= 0 && stop > start ? current.slice(0, start) + block + current.slice(stop + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(REPORT, next);
}

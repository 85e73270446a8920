import type { StagedValue } from '../../domain/ingestion/rows';

/**
 * PostgreSQL's COPY text format: tab-separated, `\N` for null, backslash escapes. Validation
 * streams staged rows in it straight into the staging table's COPY.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function copyField(value: StagedValue | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** One staged row: its row number and id, then the named values in order (no intermediate arrays: this runs once per row). */
export function stagedLine(row: number, id: string, columns: readonly string[], values: Readonly<Record<string, StagedValue>>): string {
  let line = `${row}\t${id}`;
  for (let i = 0; i < columns.length; i++) line += `\t${copyField(values[columns[i]!])}`;
  return line;
}

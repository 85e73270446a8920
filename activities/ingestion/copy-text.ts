import type { StagedValue } from '../../domain/ingestion/rows';

/**
 * PostgreSQL's COPY text format: tab-separated, `\N` for null, backslash escapes. Validation
 * writes staged rows in it so the commit can stream the file into COPY without parsing it.
 */
export function copyField(value: StagedValue | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = String(value);
  if (!/[\\\t\n\r]/.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function copyLine(values: ReadonlyArray<StagedValue | undefined>): string {
  return values.map(copyField).join('\t');
}

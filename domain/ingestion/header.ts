import { DATA_TYPES, type DataType, FORMATS } from './columns';
import type { Refusal } from './refusal';
import { quoted, readAmount, readDate, readEmail } from './values';

/** "Invoice #", " Outstanding Amount ", "AccountID" → invoice_number, outstanding_amount, account_id. */
export function normalizeHeaderName(raw: string): string {
  return raw
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/#/g, ' number ')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export interface HeaderColumn {
  /** The header cell as written in the file. */
  header: string;
  /** The format column it feeds, or null when the column is ignored. */
  column: string | null;
}

export interface ResolvedHeader {
  dataType: DataType;
  columns: HeaderColumn[];
  /** Format column → position in each record. */
  index: Record<string, number>;
  warnings: string[];
}

export type HeaderResult = { ok: true; header: ResolvedHeader } | { ok: false; refusal: Refusal };

function mapColumns(dataType: DataType, cells: readonly string[]): { columns: HeaderColumn[]; index: Record<string, number>; duplicate?: string; shadowed: string[] } {
  const byName = new Map<string, string>();
  for (const spec of FORMATS[dataType].columns) {
    for (const alias of spec.aliases ?? []) byName.set(alias, spec.name);
  }
  // Exact names win over aliases that spell another column.
  for (const spec of FORMATS[dataType].columns) byName.set(spec.name, spec.name);
  const normalized = cells.map(normalizeHeaderName);
  const index: Record<string, number> = {};
  const columns: HeaderColumn[] = cells.map((header) => ({ header: header.replace(/^\uFEFF/, '').trim(), column: null }));
  const shadowed: string[] = [];
  let duplicate: string | undefined;
  // Two passes: exact names first, so an alias never takes the place of the real column.
  for (const exactPass of [true, false]) {
    normalized.forEach((name, position) => {
      const column = byName.get(name);
      if (!column || (name === column) !== exactPass) return;
      if (index[column] !== undefined) {
        if (exactPass) duplicate ??= column;
        else shadowed.push(columns[position]!.header);
        return;
      }
      index[column] = position;
      columns[position]!.column = column;
    });
  }
  return { columns, index, duplicate, shadowed };
}

function missingRequired(dataType: DataType, index: Record<string, number>): string[] {
  return FORMATS[dataType].columns.filter((spec) => spec.required && index[spec.name] === undefined).map((spec) => spec.name);
}

function looksLikeData(cell: string): boolean {
  const value = cell.trim();
  if (value === '') return false;
  return readAmount(value).ok || readDate(value).ok || readEmail(value).ok;
}

function shown(cells: readonly string[]): string {
  const list = cells.slice(0, 8).map((cell) => quoted(cell.trim())).join(', ');
  return cells.length > 8 ? `${list}, ...` : list;
}

function requiredList(dataType: DataType): string {
  return FORMATS[dataType].columns.filter((spec) => spec.required).map((spec) => spec.name).join(', ');
}

/**
 * Works out which data type a header describes (or checks it against the one the operator
 * named) and where each column is. The first non-blank row of a file must be its header.
 */
export function resolveHeader(cells: readonly string[], explicit?: DataType): HeaderResult {
  const attempts = (explicit ? [explicit] : [...DATA_TYPES]).map((dataType) => {
    const mapped = mapColumns(dataType, cells);
    return { dataType, ...mapped, missing: missingRequired(dataType, mapped.index) };
  });
  const anyKnown = DATA_TYPES.some((dataType) => Object.keys(mapColumns(dataType, cells).index).length > 0);

  if (!anyKnown) {
    if (cells.some(looksLikeData)) {
      return {
        ok: false,
        refusal: {
          code: 'no_header',
          message: `The first row is not a header: it holds values (${shown(cells)}). The first row must name the columns, e.g. ${requiredList(explicit ?? 'invoices')}.`,
        },
      };
    }
    return {
      ok: false,
      refusal: {
        code: 'unknown_type',
        message: `Cannot tell what this file holds: none of its columns (${shown(cells)}) belongs to a Drypowder file format (${DATA_TYPES.join(', ')}). See the CSV formats page for the column names.`,
      },
    };
  }

  const complete = attempts.filter((attempt) => attempt.missing.length === 0);
  if (complete.length === 0) {
    const closest = [...attempts].sort((a, b) => a.missing.length - b.missing.length || Object.keys(b.index).length - Object.keys(a.index).length)[0]!;
    const what = explicit ? `This ${explicit} file` : `This looks like a ${closest.dataType} file, but it`;
    return {
      ok: false,
      refusal: {
        code: explicit ? 'missing_columns' : 'unknown_type',
        message: `${what} lacks required column${closest.missing.length > 1 ? 's' : ''} ${closest.missing.join(', ')} (found: ${shown(cells)}).`,
      },
    };
  }

  // Several formats fit: the one whose required columns say the most about the file wins.
  const requiredCount = (dataType: DataType) => FORMATS[dataType].columns.filter((spec) => spec.required).length;
  complete.sort((a, b) => requiredCount(b.dataType) - requiredCount(a.dataType));
  const [best, second] = complete;
  if (second && requiredCount(second.dataType) === requiredCount(best!.dataType)) {
    return {
      ok: false,
      refusal: { code: 'ambiguous_type', message: `The header fits both the ${best!.dataType} and the ${second.dataType} formats; upload it with its data type named.` },
    };
  }
  const chosen = best!;
  if (chosen.duplicate) {
    return { ok: false, refusal: { code: 'duplicate_column', message: `Column ${chosen.duplicate} appears more than once in the header; keep one.` } };
  }
  const warnings: string[] = [];
  const ignored = chosen.columns.filter((column) => column.column === null && column.header !== '' && !chosen.shadowed.includes(column.header));
  if (ignored.length > 0) warnings.push(`Ignored column${ignored.length > 1 ? 's' : ''} not in the ${chosen.dataType} format: ${ignored.map((c) => c.header).join(', ')}.`);
  if (chosen.shadowed.length > 0) warnings.push(`Ignored column${chosen.shadowed.length > 1 ? 's' : ''} ${chosen.shadowed.join(', ')}: another column already supplies the same field.`);
  return { ok: true, header: { dataType: chosen.dataType, columns: chosen.columns, index: chosen.index, warnings } };
}

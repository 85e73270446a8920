/**
 * `account_stats.priority_components` as operators read it: one line per component with the
 * points it adds. The statistics refresher stores `{ key: { tenths, max_tenths, label } }`
 * (db/account-stats.ts); a component array (the domain's `CollectionPriority.components`)
 * and a flat `{ key: number }` are read too, so older rows still explain themselves.
 */
export interface PriorityLine {
  key: string;
  label: string;
  /** Tenths of a point, when the component says so. */
  tenths: number | null;
  max_tenths: number | null;
}

/** Biggest contributions first: JSONB keeps no key order, and the top lines answer "why". */
export function priorityBreakdown(stored: unknown): PriorityLine[] {
  return readLines(stored).sort((a, b) => Math.abs(b.tenths ?? 0) - Math.abs(a.tenths ?? 0));
}

function readLines(stored: unknown): PriorityLine[] {
  const list = Array.isArray(stored) ? stored : isObject(stored) && Array.isArray(stored.components) ? stored.components : null;
  if (list) {
    return list.filter(isObject).map((item) => ({
      key: String(item.key ?? item.name ?? ''),
      label: String(item.label ?? item.key ?? ''),
      tenths: typeof item.tenths === 'number' ? item.tenths : null,
      max_tenths: typeof item.maxTenths === 'number' ? item.maxTenths : typeof item.max_tenths === 'number' ? item.max_tenths : null,
    }));
  }
  if (isObject(stored)) {
    return Object.entries(stored).map(([key, value]) =>
      isObject(value)
        ? {
            key,
            label: String(value.label ?? key),
            tenths: typeof value.tenths === 'number' ? value.tenths : null,
            max_tenths: typeof value.max_tenths === 'number' ? value.max_tenths : typeof value.maxTenths === 'number' ? value.maxTenths : null,
          }
        : { key, label: key, tenths: typeof value === 'number' ? value : null, max_tenths: null },
    );
  }
  return [];
}

/** Component points keyed by component, for export columns. */
export function priorityPoints(stored: unknown): Record<string, string> {
  return Object.fromEntries(priorityBreakdown(stored).map((line) => [line.key, line.tenths === null ? line.label : (line.tenths / 10).toFixed(1)]));
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

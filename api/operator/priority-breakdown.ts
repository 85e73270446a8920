/**
 * `account_stats.priority_components` as operators read it: one line per component with the
 * points it adds. Accepts the stored shapes the statistics refresher may write — the domain's
 * `{ components: [...] }`, a bare component array, or a flat `{ key: value }` object.
 */
export interface PriorityLine {
  key: string;
  label: string;
  /** Tenths of a point, when the component says so. */
  tenths: number | null;
  max_tenths: number | null;
}

export function priorityBreakdown(stored: unknown): PriorityLine[] {
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
    return Object.entries(stored).map(([key, value]) => ({
      key,
      label: typeof value === 'object' ? JSON.stringify(value) : `${key}: ${String(value)}`,
      tenths: typeof value === 'number' ? value : null,
      max_tenths: null,
    }));
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

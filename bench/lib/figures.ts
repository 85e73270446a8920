import { loadAverage, type LoadAverage } from './stats';

/**
 * One measured figure as the suite reports it: the value with its unit, the goal the issue
 * sets (if any), the physical baseline measured in the same run and the ratio to it, and the
 * load average at the moment it was measured (the machine is shared; figures move with it).
 */
export interface Goal {
  /** The figure must be at least (`>=`), at most (`<=`) or exactly (`=`) the value. */
  op: '>=' | '<=' | '<' | '=';
  value: number;
  /** Where the goal comes from, e.g. "issue 3". */
  source: string;
}

export interface Baseline {
  label: string;
  value: number;
  unit: string;
}

export interface Figure {
  benchmark: string;
  key: string;
  label: string;
  value: number;
  unit: string;
  goal?: Goal;
  met?: boolean;
  baseline?: Baseline;
  /** value ÷ baseline.value: for a rate, the share of the floor achieved; for a latency, how many floors it costs. */
  ratio?: number;
  load_average: LoadAverage;
  /** Scale the figure was measured at (rows, accounts, …), so quick and full runs are never confused. */
  scale?: string;
}

export function figure(input: Omit<Figure, 'load_average' | 'met' | 'ratio'> & { load_average?: LoadAverage }): Figure {
  const met = input.goal
    ? input.goal.op === '>=' ? input.value >= input.goal.value : input.goal.op === '<=' ? input.value <= input.goal.value : input.goal.op === '<' ? input.value < input.goal.value : input.value === input.goal.value
    : undefined;
  const ratio = input.baseline && input.baseline.value > 0 ? Math.round((input.value / input.baseline.value) * 1000) / 1000 : undefined;
  return { ...input, load_average: input.load_average ?? loadAverage(), ...(met === undefined ? {} : { met }), ...(ratio === undefined ? {} : { ratio }) };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

const withUnit = (value: number, unit: string) => `${formatNumber(value)} ${unit}`;

/** A plain-text table, one line per figure. */
export function renderTable(figures: Figure[]): string {
  const header = ['figure', 'value', 'goal', 'met', 'baseline (same run)', 'ratio', 'load 1m'];
  const rows = figures.map((f) => [
    f.scale ? `${f.label} [${f.scale}]` : f.label,
    withUnit(f.value, f.unit),
    f.goal ? `${f.goal.op} ${withUnit(f.goal.value, f.unit)}` : '',
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
    f.baseline ? `${f.baseline.label}: ${withUnit(f.baseline.value, f.baseline.unit)}` : '',
    f.ratio === undefined ? '' : `${formatNumber(f.ratio)}×`,
    f.load_average[0].toFixed(1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 || column === 4 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

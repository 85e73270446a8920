import os from 'node:os';

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Distribution {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length)),
  };
}

/** Park–Miller: the same sequence, so the same data, on every machine. */
export function parkMiller(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647);
}

/**
 * Samples this process's resident set every 50 ms; `reset()` starts a new window.
 * The kernel's own high-water mark (resourceUsage().maxRSS) catches peaks between samples.
 */
export class RssSampler {
  private peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }, 50);

  reset(): void {
    this.peak = process.memoryUsage().rss;
  }

  peakBytes(): number {
    return Math.max(this.peak, process.memoryUsage().rss);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export type LoadAverage = [number, number, number];

export function loadAverage(): LoadAverage {
  const [one, five, fifteen] = os.loadavg();
  const round = (value = 0) => Math.round(value * 100) / 100;
  return [round(one), round(five), round(fifteen)];
}

export interface Machine {
  cores: number;
  cpu_model: string;
  memory_gb: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count / ms) * 1000 * 10) / 10 : Number.NaN);
export const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

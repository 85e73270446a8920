/**
 * How many generated cases a property test runs. The default suite runs a tenth of the full
 * count of the heaviest properties, from the same fixed seeds, so `npm test` stays within its
 * time; `DEEP_PROPERTIES=1 npm test` (the README) runs every case, as before a release or after
 * touching money arithmetic.
 */
export const DEEP_PROPERTIES = process.env.DEEP_PROPERTIES === '1';

export function propertyRuns(full: number): number {
  return DEEP_PROPERTIES ? full : Math.max(1, Math.round(full / 10));
}

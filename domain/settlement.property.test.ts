import fc from 'fast-check';
import { isBusinessDay, nextBusinessDay } from './business-calendar';
import { localDate } from './dates';
import { LINE_SHAPE, nextAttemptKey, SETTLEMENT_CATEGORIES, settlementStatusFor, type ApplicationKind, type CategoryStatus, type SettlementStatus } from './settlement';
import { settlementBusinessDate } from './settlement-day';

/**
 * Settlement grouping: which settlement a payment joins, how its applications split into the
 * three posting categories, and what status the categories add up to.
 */
const SEED = 20261112;
const ZONES = ['America/Chicago', 'America/New_York', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'America/Phoenix'];
const arbInstant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 11, 31) }).map((ms) => new Date(ms));
const arbCutoff = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

function permute<T>(list: readonly T[], seed: number): T[] {
  return list.map((value, i) => ({ value, key: (i * 2654435761 + seed) % 4294967291 })).sort((a, b) => a.key - b.key).map((entry) => entry.value);
}

describe('settlement properties', () => {
  it('puts every payment on a business day no earlier than it settled and no later than the next business day', () => {
    fc.assert(
      fc.property(arbInstant, fc.constantFrom(...ZONES), arbCutoff, (settledAt, zone, cutoff) => {
        const day = settlementBusinessDate(settledAt, zone, cutoff);
        const local = localDate(settledAt, zone);
        return isBusinessDay(day) && day >= local && day <= nextBusinessDay(local) && settlementBusinessDate(new Date(settledAt.getTime()), zone, cutoff) === day;
      }),
      { numRuns: 5_000, seed: SEED },
    );
  });

  it('never puts a later payment on an earlier settlement than an earlier payment of the same dealer', () => {
    fc.assert(
      fc.property(arbInstant, fc.integer({ min: 0, max: 10 * 86_400_000 }), fc.constantFrom(...ZONES), arbCutoff, (first, gap, zone, cutoff) => {
        const later = new Date(first.getTime() + gap);
        return settlementBusinessDate(first, zone, cutoff) <= settlementBusinessDate(later, zone, cutoff);
      }),
      { numRuns: 5_000, seed: SEED + 1 },
    );
  });

  it('splits a payment\'s applications into the three categories without losing or adding a cent', () => {
    const arbApplication = fc.record({ kind: fc.constantFrom<ApplicationKind>('invoice', 'debit', 'credit', 'discount'), amountCents: fc.integer({ min: 1, max: 10_000_000 }) });
    fc.assert(
      fc.property(fc.array(arbApplication, { maxLength: 30 }), fc.nat(), (applications, seed) => {
        const byCategory = (list: typeof applications) => {
          const totals = Object.fromEntries(SETTLEMENT_CATEGORIES.map((category) => [category, 0])) as Record<string, number>;
          for (const application of list) totals[LINE_SHAPE[application.kind].category]! += application.amountCents;
          return totals;
        };
        const totals = byCategory(applications);
        const all = Object.values(totals).reduce((t, v) => t + v, 0);
        return all === applications.reduce((t, a) => t + a.amountCents, 0)
          && JSON.stringify(byCategory(permute(applications, seed))) === JSON.stringify(totals)
          && applications.every((a) => SETTLEMENT_CATEGORIES.includes(LINE_SHAPE[a.kind].category));
      }),
      { numRuns: 5_000, seed: SEED + 2 },
    );
  });

  it('derives the same status whatever order the categories are listed in; posted only when nothing is left to post', () => {
    const arbCategories = fc.array(fc.record({ status: fc.constantFrom<CategoryStatus>('empty', 'unposted', 'posting', 'posted') }), { minLength: 0, maxLength: 3 });
    const arbCurrent = fc.constantFrom<SettlementStatus>('open', 'ready', 'partially_posted', 'posted', 'resolved');
    fc.assert(
      fc.property(arbCurrent, arbCategories, fc.nat(), (current, categories, seed) => {
        const status = settlementStatusFor(current, categories);
        if (status !== settlementStatusFor(current, permute(categories, seed))) return false;
        if (current === 'open' || current === 'resolved') return status === current;
        const relevant = categories.filter((c) => c.status !== 'empty');
        if (status === 'posted') return relevant.every((c) => c.status === 'posted');
        if (status === 'ready') return relevant.length > 0 && relevant.every((c) => c.status !== 'posted');
        return status === 'partially_posted' && relevant.some((c) => c.status === 'posted') && relevant.some((c) => c.status !== 'posted');
      }),
      { numRuns: 5_000, seed: SEED + 3 },
    );
  });

  it('gives every retry of a refused line a key it never had before', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^gl:(reversal:)?[0-9a-f-]{8,36}:\d{1,6}$/), fc.integer({ min: 1, max: 30 }), (key, retries) => {
        const seen = new Set([key]);
        let current = key;
        for (let i = 0; i < retries; i += 1) {
          current = nextAttemptKey(current);
          if (seen.has(current) || !current.startsWith(key)) return false;
          seen.add(current);
        }
        return current === `${key}:retry-${retries}`;
      }),
      { numRuns: 5_000, seed: SEED + 4 },
    );
  });
});

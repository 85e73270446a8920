import fc from 'fast-check';
import { isBusinessDay, nextBusinessDay } from './business-calendar';
import { localDate } from './dates';
import { CutoffError, settlementBusinessDate, settlementClosesAt } from './settlement-day';

const CHICAGO = 'America/Chicago';
const at = (iso: string) => new Date(iso);

describe('settlementBusinessDate', () => {
  it('keeps a payment settled before the cutoff on its own business day', () => {
    // Tuesday 2026-11-03, 16:59:59 in Chicago (CST, UTC-6).
    expect(settlementBusinessDate(at('2026-11-03T22:59:59Z'), CHICAGO, '17:00')).toBe('2026-11-03');
  });

  it('moves a payment settled exactly at the cutoff to the next business day', () => {
    expect(settlementBusinessDate(at('2026-11-03T23:00:00Z'), CHICAGO, '17:00')).toBe('2026-11-04');
  });

  it('uses the dealer-local date, not the UTC date', () => {
    // 2026-11-04T03:30Z is still Tuesday evening in Chicago: after the cutoff, so Wednesday.
    expect(settlementBusinessDate(at('2026-11-04T03:30:00Z'), CHICAGO, '17:00')).toBe('2026-11-04');
    // Honolulu is UTC-10: 20:00Z is 10:00 the same day; 02:00Z on the 4th is still 16:00 on the 3rd.
    expect(settlementBusinessDate(at('2026-11-04T20:00:00Z'), 'Pacific/Honolulu', '17:00')).toBe('2026-11-04');
    expect(settlementBusinessDate(at('2026-11-04T02:00:00Z'), 'Pacific/Honolulu', '17:00')).toBe('2026-11-03');
  });

  it('sends weekend payments to Monday and Friday-evening payments to Monday', () => {
    expect(settlementBusinessDate(at('2026-11-06T23:30:00Z'), CHICAGO, '17:00')).toBe('2026-11-09'); // Fri 17:30
    expect(settlementBusinessDate(at('2026-11-07T16:00:00Z'), CHICAGO, '17:00')).toBe('2026-11-09'); // Sat 10:00
    expect(settlementBusinessDate(at('2026-11-08T16:00:00Z'), CHICAGO, '17:00')).toBe('2026-11-09'); // Sun 10:00
  });

  it('skips Federal Reserve holidays', () => {
    // Wednesday before Thanksgiving after the cutoff: Thursday is closed, so Friday.
    expect(settlementBusinessDate(at('2026-11-25T23:30:00Z'), CHICAGO, '17:00')).toBe('2026-11-27');
    // Juneteenth 2026 is a Friday: a payment that day joins Monday's settlement.
    expect(settlementBusinessDate(at('2026-06-19T15:00:00Z'), CHICAGO, '17:00')).toBe('2026-06-22');
    // Independence Day 2026 falls on a Saturday: the Banks are open on Friday the 3rd.
    expect(settlementBusinessDate(at('2026-07-03T15:00:00Z'), CHICAGO, '17:00')).toBe('2026-07-03');
  });

  it('follows daylight saving time', () => {
    // Monday 2026-03-09, the day after clocks moved forward: 16:59 CDT is 21:59Z.
    expect(settlementBusinessDate(at('2026-03-09T21:59:00Z'), CHICAGO, '17:00')).toBe('2026-03-09');
    expect(settlementBusinessDate(at('2026-03-09T22:00:00Z'), CHICAGO, '17:00')).toBe('2026-03-10');
  });

  it('treats a midnight cutoff as "every payment goes to the next business day"', () => {
    expect(settlementBusinessDate(at('2026-11-03T06:00:00Z'), CHICAGO, '00:00')).toBe('2026-11-04');
  });

  it('refuses a malformed cutoff', () => {
    expect(() => settlementBusinessDate(at('2026-11-03T12:00:00Z'), CHICAGO, '5pm')).toThrow(CutoffError);
    expect(() => settlementBusinessDate(at('2026-11-03T12:00:00Z'), CHICAGO, '24:00')).toThrow(CutoffError);
  });

  it('always lands on a business day, on the local date or the next business day after it', () => {
    const zones = ['America/Chicago', 'America/New_York', 'America/Los_Angeles', 'America/Denver', 'Pacific/Honolulu', 'UTC'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 11, 31) }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (ms, zone, hh, mm) => {
          const cutoff = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
          const instant = new Date(ms);
          const day = localDate(instant, zone);
          const result = settlementBusinessDate(instant, zone, cutoff);
          expect(isBusinessDay(result)).toBe(true);
          const beforeCutoff = instant.getTime() < settlementClosesAt(day, zone, cutoff).getTime();
          expect(result).toBe(isBusinessDay(day) && beforeCutoff ? day : nextBusinessDay(day));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('settlementClosesAt', () => {
  it('is the cutoff on the business date in the dealer time zone', () => {
    expect(settlementClosesAt('2026-11-03', CHICAGO, '17:00').toISOString()).toBe('2026-11-03T23:00:00.000Z');
    expect(settlementClosesAt('2026-07-06', CHICAGO, '17:00').toISOString()).toBe('2026-07-06T22:00:00.000Z');
    expect(settlementClosesAt('2026-07-06', 'America/New_York', '15:30').toISOString()).toBe('2026-07-06T19:30:00.000Z');
  });

  it('closes every payment of its day: a payment one second before closing belongs to the day', () => {
    const closes = settlementClosesAt('2026-11-03', CHICAGO, '17:00');
    expect(settlementBusinessDate(new Date(closes.getTime() - 1000), CHICAGO, '17:00')).toBe('2026-11-03');
    expect(settlementBusinessDate(closes, CHICAGO, '17:00')).toBe('2026-11-04');
  });
});

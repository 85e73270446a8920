import { addDays, daysBetween, isIsoDate, localDate, localDateTime, parseFlexibleDate, zonedInstant } from './dates';

describe('dates', () => {
  it('reads an instant as the dealer\'s office does, with the zone as it stood that day', () => {
    expect(localDateTime(new Date('2026-12-04T17:58:00Z'), 'America/Chicago')).toBe('December 4, 2026 at 11:58 AM CST');
    expect(localDateTime(new Date('2026-07-04T17:58:00Z'), 'America/Chicago')).toBe('July 4, 2026 at 12:58 PM CDT');
    expect(localDateTime(new Date('2026-01-01T03:30:00Z'), 'America/Los_Angeles')).toBe('December 31, 2025 at 7:30 PM PST');
  });

  it('takes today in the dealer time zone, not UTC', () => {
    const lateEveningInChicago = new Date('2026-11-06T04:30:00Z'); // 22:30 on Nov 5 in Chicago
    expect(localDate(lateEveningInChicago, 'America/Chicago')).toBe('2026-11-05');
    expect(localDate(lateEveningInChicago, 'UTC')).toBe('2026-11-06');
  });

  it('finds the instant of a local wall-clock time across DST', () => {
    expect(zonedInstant('2026-07-01', '17:00', 'America/Chicago').toISOString()).toBe('2026-07-01T22:00:00.000Z');
    expect(zonedInstant('2026-12-01', '17:00', 'America/Chicago').toISOString()).toBe('2026-12-01T23:00:00.000Z');
    expect(zonedInstant('2026-03-08', '12:00', 'America/New_York').toISOString()).toBe('2026-03-08T16:00:00.000Z');
  });

  it('parses ISO and US dates and refuses impossible ones', () => {
    expect(parseFlexibleDate('2026-02-28')).toBe('2026-02-28');
    expect(parseFlexibleDate('11/05/2026')).toBe('2026-11-05');
    expect(parseFlexibleDate('1/5/26')).toBe('2026-01-05');
    expect(parseFlexibleDate('2026-02-30')).toBeNull();
    expect(parseFlexibleDate('13/01/2026')).toBeNull();
    expect(parseFlexibleDate('05.11.2026')).toBeNull();
    expect(isIsoDate('2024-02-29')).toBe(true);
  });

  it('knows which calendar days exist', () => {
    for (const day of ['2024-02-29', '2000-02-29', '2026-01-31', '2026-12-31', '2026-04-30', '9999-12-31', '0100-01-01']) expect([day, isIsoDate(day)]).toEqual([day, true]);
    for (const day of [
      '2026-02-29', '1900-02-29', '2026-02-30', '2026-04-31', '2026-01-32', '2026-01-00', '2026-00-10', '2026-13-01', '2026-13-45', '2026-99-99',
      '0000-01-01', '0099-12-31', '2026-1-5', '2026-01-05T00:00:00Z', ' 2026-01-05', '', '20260105',
    ]) expect([day, isIsoDate(day)]).toEqual([day, false]);
  });

  it('counts calendar days', () => {
    expect(daysBetween('2026-10-01', '2026-11-01')).toBe(31);
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
  });
});

import fc from 'fast-check';
import { addDays } from './dates';
import {
  CalendarError,
  addBusinessDays,
  businessDayOnOrAfter,
  businessDaysBetween,
  federalReserveHolidays,
  isBusinessDay,
  isFederalReserveHoliday,
  nextBusinessDay,
  previousBusinessDay,
} from './business-calendar';

const closures = (year: number) => federalReserveHolidays(year).flatMap((h) => (h.observed ? [h.observed] : []));

describe('Federal Reserve holidays', () => {
  // Published K.8 schedules (federalreserve.gov/aboutthefed/k8.htm); closures only.
  const published: Record<number, string[]> = {
    2022: ['2022-01-17', '2022-02-21', '2022-05-30', '2022-06-20', '2022-07-04', '2022-09-05', '2022-10-10', '2022-11-11', '2022-11-24', '2022-12-26'],
    2023: ['2023-01-02', '2023-01-16', '2023-02-20', '2023-05-29', '2023-06-19', '2023-07-04', '2023-09-04', '2023-10-09', '2023-11-23', '2023-12-25'],
    2024: ['2024-01-01', '2024-01-15', '2024-02-19', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', '2024-10-14', '2024-11-11', '2024-11-28', '2024-12-25'],
    2025: ['2025-01-01', '2025-01-20', '2025-02-17', '2025-05-26', '2025-06-19', '2025-07-04', '2025-09-01', '2025-10-13', '2025-11-11', '2025-11-27', '2025-12-25'],
    2026: ['2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25'],
    2027: ['2027-01-01', '2027-01-18', '2027-02-15', '2027-05-31', '2027-07-05', '2027-09-06', '2027-10-11', '2027-11-11', '2027-11-25'],
    2028: ['2028-01-17', '2028-02-21', '2028-05-29', '2028-06-19', '2028-07-04', '2028-09-04', '2028-10-09', '2028-11-23', '2028-12-25'],
    2029: ['2029-01-01', '2029-01-15', '2029-02-19', '2029-05-28', '2029-06-19', '2029-07-04', '2029-09-03', '2029-10-08', '2029-11-12', '2029-11-22', '2029-12-25'],
    2030: ['2030-01-01', '2030-01-21', '2030-02-18', '2030-05-27', '2030-06-19', '2030-07-04', '2030-09-02', '2030-10-14', '2030-11-11', '2030-11-28', '2030-12-25'],
  };

  it.each(Object.entries(published))('matches the published closures of %s', (year, dates) => {
    expect(closures(Number(year))).toEqual(dates);
  });

  it('names every holiday of 2027 with its date and the day the Banks close', () => {
    expect(federalReserveHolidays(2027)).toEqual([
      { name: "New Year's Day", date: '2027-01-01', observed: '2027-01-01' },
      { name: 'Birthday of Martin Luther King, Jr.', date: '2027-01-18', observed: '2027-01-18' },
      { name: "Washington's Birthday", date: '2027-02-15', observed: '2027-02-15' },
      { name: 'Memorial Day', date: '2027-05-31', observed: '2027-05-31' },
      { name: 'Juneteenth National Independence Day', date: '2027-06-19', observed: null },
      { name: 'Independence Day', date: '2027-07-04', observed: '2027-07-05' },
      { name: 'Labor Day', date: '2027-09-06', observed: '2027-09-06' },
      { name: 'Columbus Day', date: '2027-10-11', observed: '2027-10-11' },
      { name: 'Veterans Day', date: '2027-11-11', observed: '2027-11-11' },
      { name: 'Thanksgiving Day', date: '2027-11-25', observed: '2027-11-25' },
      { name: 'Christmas Day', date: '2027-12-25', observed: null },
    ]);
  });

  it('keeps the Banks open on the Friday before a Saturday holiday', () => {
    for (const friday of ['2026-07-03', '2027-06-18', '2027-12-24', '2027-12-31', '2028-11-10', '2021-12-31']) {
      expect(isBusinessDay(friday)).toBe(true);
      expect(isFederalReserveHoliday(friday)).toBe(false);
    }
  });

  it('closes the Banks on the Monday after a Sunday holiday', () => {
    for (const monday of ['2027-07-05', '2029-11-12', '2023-01-02', '2022-12-26', '2022-06-20', '2033-12-26']) {
      expect(isFederalReserveHoliday(monday)).toBe(true);
      expect(isBusinessDay(monday)).toBe(false);
    }
  });

  it('observes Juneteenth only from 2022', () => {
    expect(federalReserveHolidays(2021).map((h) => h.name)).not.toContain('Juneteenth National Independence Day');
    expect(isBusinessDay('2021-06-18')).toBe(true);
    expect(federalReserveHolidays(2022)).toHaveLength(11);
    expect(federalReserveHolidays(2021)).toHaveLength(10);
  });

  it('computes the floating Mondays and Thanksgiving for years far from today', () => {
    const names = (year: number) => Object.fromEntries(federalReserveHolidays(year).map((h) => [h.name, h.date]));
    expect(names(2100)).toMatchObject({
      'Birthday of Martin Luther King, Jr.': '2100-01-18',
      "Washington's Birthday": '2100-02-15',
      'Memorial Day': '2100-05-31',
      'Labor Day': '2100-09-06',
      'Columbus Day': '2100-10-11',
      'Thanksgiving Day': '2100-11-25',
    });
    // 2024 is a leap year whose May ends on a Friday: the last Monday is the 27th.
    expect(names(2024)['Memorial Day']).toBe('2024-05-27');
    // Earliest and latest possible Thanksgiving.
    expect(names(2029)['Thanksgiving Day']).toBe('2029-11-22');
    expect(names(2035)['Thanksgiving Day']).toBe('2035-11-22');
    expect(names(2028)['Thanksgiving Day']).toBe('2028-11-23');
    expect(names(2030)['Thanksgiving Day']).toBe('2030-11-28');
  });

  it('puts every rule-based holiday on the right weekday in every supported year sampled', () => {
    const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
    for (let year = 1986; year <= 2200; year += 1) {
      for (const holiday of federalReserveHolidays(year)) {
        if (holiday.observed) expect([1, 2, 3, 4, 5]).toContain(weekday(holiday.observed));
        if (holiday.name === 'Thanksgiving Day') {
          expect(weekday(holiday.date)).toBe(4);
          expect(Number(holiday.date.slice(8))).toBeGreaterThanOrEqual(22);
          expect(Number(holiday.date.slice(8))).toBeLessThanOrEqual(28);
        } else if (!/^\d{4}-(01-01|06-19|07-04|11-11|12-25)$/.test(holiday.date)) {
          expect(weekday(holiday.date)).toBe(1);
        }
        if (holiday.name === 'Memorial Day') expect(Number(holiday.date.slice(8))).toBeGreaterThanOrEqual(25);
        if (weekday(holiday.date) === 6) expect(holiday.observed).toBeNull();
        if (weekday(holiday.date) === 0) expect(holiday.observed).toBe(addDays(holiday.date, 1));
      }
    }
  });

  it('refuses years it does not model and malformed dates', () => {
    expect(() => federalReserveHolidays(1985)).toThrow(CalendarError);
    expect(() => federalReserveHolidays(2026.5)).toThrow(CalendarError);
    expect(() => isBusinessDay('2026-02-30')).toThrow(CalendarError);
    expect(() => isBusinessDay('11/05/2026')).toThrow(/YYYY-MM-DD/);
    expect(() => addBusinessDays('2026-01-05', 1.5)).toThrow(CalendarError);
    expect(() => addBusinessDays('2026-01-05', Number.NaN)).toThrow(CalendarError);
    expect(() => addBusinessDays('1986-01-03', -5)).toThrow(CalendarError);
    expect(() => addBusinessDays('9999-12-30', 5)).toThrow(CalendarError);
  });
});

describe('business days', () => {
  it('treats weekends as closed and ordinary weekdays as open', () => {
    expect(isBusinessDay('2026-11-07')).toBe(false); // Saturday
    expect(isBusinessDay('2026-11-08')).toBe(false); // Sunday
    expect(isBusinessDay('2026-11-09')).toBe(true);
    expect(isBusinessDay('2026-11-11')).toBe(false); // Veterans Day, Wednesday
    expect(isBusinessDay('2026-11-12')).toBe(true);
  });

  it('adds business days across weekends and holidays', () => {
    expect(addBusinessDays('2026-11-25', 1)).toBe('2026-11-27'); // over Thanksgiving
    expect(addBusinessDays('2026-11-24', 3)).toBe('2026-11-30'); // Wed, Fri, Mon
    expect(addBusinessDays('2026-07-02', 1)).toBe('2026-07-03'); // Saturday holiday: Friday open
    expect(addBusinessDays('2027-07-02', 1)).toBe('2027-07-06'); // Sunday holiday: Monday closed
    expect(addBusinessDays('2026-12-31', 1)).toBe('2027-01-04'); // New Year's Friday, then weekend
    expect(addBusinessDays('2026-12-24', 5)).toBe('2027-01-04');
    expect(addBusinessDays('2026-11-07', 1)).toBe('2026-11-09'); // from a Saturday
    expect(addBusinessDays('2026-11-09', 0)).toBe('2026-11-09');
    expect(addBusinessDays('2026-11-08', 0)).toBe('2026-11-08'); // zero never moves, even off a weekend
  });

  it('subtracts business days', () => {
    expect(addBusinessDays('2026-11-30', -3)).toBe('2026-11-24');
    expect(addBusinessDays('2027-01-04', -1)).toBe('2026-12-31');
    expect(addBusinessDays('2026-01-20', -1)).toBe('2026-01-16'); // over MLK Day
    expect(previousBusinessDay('2026-09-08')).toBe('2026-09-04'); // over Labor Day
  });

  it('finds the next business day and the processing day of a weekend date', () => {
    expect(nextBusinessDay('2026-12-24')).toBe('2026-12-28');
    expect(nextBusinessDay('2026-05-22')).toBe('2026-05-26'); // Memorial Day weekend
    expect(nextBusinessDay('2026-06-18')).toBe('2026-06-22'); // Juneteenth Friday
    expect(businessDayOnOrAfter('2026-06-19')).toBe('2026-06-22');
    expect(businessDayOnOrAfter('2026-06-18')).toBe('2026-06-18');
  });

  it('counts business days between two dates, excluding the first and including the last', () => {
    expect(businessDaysBetween('2026-11-24', '2026-11-30')).toBe(3);
    expect(businessDaysBetween('2026-11-30', '2026-11-24')).toBe(-3);
    expect(businessDaysBetween('2026-11-25', '2026-11-26')).toBe(0); // Thanksgiving alone
    expect(businessDaysBetween('2026-11-09', '2026-11-09')).toBe(0);
    expect(businessDaysBetween('2026-11-07', '2026-11-08')).toBe(0);
    // Anchored on the start: backward from a holiday, the Friday before counts as one step.
    expect(businessDaysBetween('2026-01-01', '2025-12-31')).toBe(-1);
    expect(businessDaysBetween('2025-12-31', '2026-01-01')).toBe(0);
    expect(businessDaysBetween('1986-01-01', '1986-01-02')).toBe(1);
    expect(businessDaysBetween('1986-01-02', '1986-01-01')).toBe(0);
    expect(businessDaysBetween('2025-12-31', '2026-12-31')).toBe(251); // 261 weekdays, 10 weekday closures
  });

  it('counts a whole year of business days as weekdays minus weekday closures', () => {
    for (const year of [2026, 2027, 2028, 2029, 2030]) {
      let weekdays = 0;
      for (let date = `${year}-01-01`; date <= `${year}-12-31`; date = addDays(date, 1)) {
        const day = new Date(`${date}T00:00:00Z`).getUTCDay();
        if (day !== 0 && day !== 6) weekdays += 1;
      }
      expect(businessDaysBetween(`${year - 1}-12-31`, `${year}-12-31`)).toBe(weekdays - closures(year).length);
    }
  });

  it('flags a payment pending more than 3 business days', () => {
    const submitted = '2026-11-24'; // Tuesday before Thanksgiving
    expect(businessDaysBetween(submitted, '2026-11-30')).toBe(3); // not yet
    expect(businessDaysBetween(submitted, '2026-12-01')).toBe(4); // now
    expect(addBusinessDays(submitted, 3)).toBe('2026-11-30');
  });

  describe('properties (fast-check)', () => {
    const date = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const count = fc.integer({ min: -400, max: 400 });

    it('businessDaysBetween inverts addBusinessDays', () => {
      fc.assert(fc.property(date, count, (start, n) => businessDaysBetween(start, addBusinessDays(start, n)) === n), { numRuns: 5_000 });
    });

    it('lands on a business day whenever it moves', () => {
      fc.assert(fc.property(date, count.filter((n) => n !== 0), (start, n) => isBusinessDay(addBusinessDays(start, n))), { numRuns: 5_000 });
    });

    it('counts the same as a day-by-day walk', () => {
      fc.assert(
        fc.property(date, fc.integer({ min: 0, max: 120 }), (start, span) => {
          const end = addDays(start, span);
          let forward = 0;
          for (let d = addDays(start, 1); d <= end; d = addDays(d, 1)) if (isBusinessDay(d)) forward += 1;
          let backward = 0;
          for (let d = start; d < end; d = addDays(d, 1)) if (isBusinessDay(d)) backward += 1;
          return businessDaysBetween(start, end) === forward && businessDaysBetween(end, start) === -backward;
        }),
        { numRuns: 5_000 },
      );
    });

    it('composes: n then m business days equals n + m for same-sign steps', () => {
      fc.assert(
        fc.property(date, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.boolean(), (start, n, m, back) => {
          const sign = back ? -1 : 1;
          return addBusinessDays(addBusinessDays(start, sign * n), sign * m) === addBusinessDays(start, sign * (n + m));
        }),
        { numRuns: 5_000 },
      );
    });
  });
});

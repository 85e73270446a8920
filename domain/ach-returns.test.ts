import fc from 'fast-check';
import { ACH_RETURN_CODES, achReturn, achReturnOperatorWords, isLateReturn, moneyFinalOn, returnDeadline, untimelyReturnNote } from './ach-returns';
import { addBusinessDays, isBusinessDay } from './business-calendar';
import { addDays } from './dates';

describe('achReturn', () => {
  it('lists every code that matters to a debit we originate', () => {
    const required = [
      ...Array.from({ length: 24 }, (_, i) => `R${String(i + 1).padStart(2, '0')}`),
      'R29', 'R31', 'R33', 'R34', 'R37', 'R38', 'R39', 'R51', 'R61',
    ];
    for (const code of required) expect(achReturn(code)).toMatchObject({ code, known: true });
  });

  it.each([
    ['R01', 'administrative'], ['R02', 'administrative'], ['R03', 'administrative'], ['R04', 'administrative'],
    ['R08', 'administrative'], ['R09', 'administrative'], ['R12', 'administrative'], ['R16', 'administrative'],
    ['R20', 'administrative'], ['R23', 'administrative'], ['R24', 'administrative'],
    ['R05', 'unauthorized_consumer'], ['R07', 'unauthorized_consumer'], ['R10', 'unauthorized_consumer'],
    ['R11', 'unauthorized_consumer'], ['R37', 'unauthorized_consumer'], ['R51', 'unauthorized_consumer'],
    ['R29', 'unauthorized_corporate'],
    ['R06', 'other'], ['R31', 'other'], ['R33', 'other'], ['R61', 'other'],
  ])('%s is %s', (code, family) => {
    expect(achReturn(code).family).toBe(family);
  });

  it('gives the extended 60-day window to the consumer claims Nacha backs by a written statement, and to R33', () => {
    const sixty = ACH_RETURN_CODES.filter((code) => achReturn(code).window === 'sixty_calendar_days');
    expect(sixty).toEqual(['R05', 'R07', 'R10', 'R11', 'R33', 'R37', 'R38', 'R51', 'R52', 'R53']);
    expect(ACH_RETURN_CODES.filter((code) => achReturn(code).window === 'odfi_agreed')).toEqual(['R06', 'R31']);
  });

  it('disables the saved account when it cannot be debited again, and only then', () => {
    for (const code of ['R02', 'R03', 'R04', 'R07', 'R10', 'R16', 'R20', 'R29']) expect(achReturn(code).disablesBankAccount).toBe(true);
    // Funds, a stop payment on one debit or a mismatch with the authorization leave the account usable.
    for (const code of ['R01', 'R08', 'R09', 'R11', 'R24', 'R06', 'R99']) expect(achReturn(code).disablesBankAccount).toBe(false);
  });

  it('speaks plainly: operator words after the code, customer words that are polite and say what to do', () => {
    expect(achReturnOperatorWords('R10')).toBe('R10 — Customer says the debit was not authorized');
    expect(achReturnOperatorWords('R01')).toBe('R01 — Not enough funds in the account');
    expect(achReturn('R01').customerText).toMatch(/^Your bank did not have enough funds available/);
    expect(achReturn('R02').customerReason).toBe('account closed');
    for (const code of ACH_RETURN_CODES) {
      const entry = achReturn(code);
      expect(entry.operatorText).toMatch(/^[A-Z]/);
      expect(entry.customerReason).toMatch(/^[a-z]/);
      expect(entry.customerText).toMatch(/^[A-Z].*\.$/);
      expect(entry.customerText).toMatch(/[Pp]lease /);
      // Bank-to-bank jargon means nothing to a customer.
      expect(entry.customerText).not.toMatch(/RDFI|ODFI|Nacha|NACHA|SEC code|\bR\d\d\b/);
    }
  });

  it('never throws: unknown, lower-case, padded or missing codes get a sensible entry', () => {
    expect(achReturn(' r10 ')).toMatchObject({ code: 'R10', known: true });
    expect(achReturn('R99')).toMatchObject({ code: 'R99', known: false, family: 'other', window: 'two_banking_days', customerReason: null, disablesBankAccount: false });
    expect(achReturnOperatorWords('R99')).toBe('R99 — Return code not in our list; ask the processor what it means');
    expect(achReturn(null)).toMatchObject({ code: '', known: false, operatorText: 'Returned without a reason code' });
    expect(achReturn('R99').customerText).toMatch(/^Your bank sent this payment back\. Please/);
    fc.assert(fc.property(fc.string(), (code) => achReturn(code).customerText.length > 0));
  });
});

describe('returnDeadline and isLateReturn', () => {
  // Monday 2026-03-02.
  it('R01: within 2 banking days, late on banking day 3', () => {
    expect(returnDeadline('R01', '2026-03-02')).toBe('2026-03-04');
    expect(isLateReturn('R01', '2026-03-02', '2026-03-03')).toBe(false);
    expect(isLateReturn('R01', '2026-03-02', '2026-03-04')).toBe(false);
    expect(isLateReturn('R01', '2026-03-02', '2026-03-05')).toBe(true);
  });

  it('counts banking days across a weekend and a Federal Reserve holiday', () => {
    // Settled Thursday: Friday, then Monday.
    expect(returnDeadline('R02', '2026-03-05')).toBe('2026-03-09');
    // Settled the day before Thanksgiving (2026-11-26): Friday, then Monday.
    expect(returnDeadline('R03', '2026-11-25')).toBe('2026-11-30');
    expect(isLateReturn('R03', '2026-11-25', '2026-11-30')).toBe(false);
    expect(isLateReturn('R03', '2026-11-25', '2026-12-01')).toBe(true);
  });

  it('an untimely return tells the operator the deadline and the last day to have the bank dishonor it (R68)', () => {
    expect(untimelyReturnNote('R01', '2026-03-02', '2026-03-04')).toBeNull();
    // Thursday 03-05 is banking day 3; five banking days later is Thursday 03-12.
    expect(untimelyReturnNote('R01', '2026-03-02', '2026-03-05')).toBe(
      "It came after Nacha's deadline for R01 (2026-03-04 for a debit settled on 2026-03-02): ask your bank by 2026-03-12 to dishonor it as untimely (R68) to get the money back.",
    );
    // R06 (returned at the ODFI's request) has no Nacha deadline, so it is never untimely.
    expect(untimelyReturnNote('R06', '2026-03-02', '2026-09-01')).toBeNull();
  });

  it('R29, a business customer\'s "not authorized", has only the 2 banking days', () => {
    expect(returnDeadline('R29', '2026-03-02')).toBe('2026-03-04');
    expect(isLateReturn('R29', '2026-03-02', '2026-03-05')).toBe(true);
  });

  it('R10: within on day 59 and through the banking day after day 60, late after it', () => {
    // Settled Thursday 2026-03-12: day 59 is Sunday 05-10, day 60 Monday 05-11, day 61 Tuesday 05-12.
    expect(addDays('2026-03-12', 60)).toBe('2026-05-11');
    expect(returnDeadline('R10', '2026-03-12')).toBe('2026-05-12');
    expect(isLateReturn('R10', '2026-03-12', '2026-05-08')).toBe(false); // day 57, a Friday
    expect(isLateReturn('R10', '2026-03-12', '2026-05-10')).toBe(false); // day 59
    expect(isLateReturn('R10', '2026-03-12', '2026-05-11')).toBe(false); // day 60
    expect(isLateReturn('R10', '2026-03-12', '2026-05-12')).toBe(false); // day 61: the banking day following day 60
    expect(isLateReturn('R10', '2026-03-12', '2026-05-13')).toBe(true); // day 62
    // A 2-banking-day code on the same day 59 is long late.
    expect(isLateReturn('R01', '2026-03-12', '2026-05-10')).toBe(true);
  });

  it('R07: when day 60 is a Friday before Memorial Day, the deadline is the Tuesday', () => {
    expect(addDays('2026-03-23', 60)).toBe('2026-05-22');
    expect(returnDeadline('R07', '2026-03-23')).toBe('2026-05-26');
    expect(isLateReturn('R07', '2026-03-23', '2026-05-26')).toBe(false);
    expect(isLateReturn('R07', '2026-03-23', '2026-05-27')).toBe(true);
  });

  it('R06 and R31 are never late: our bank asked for or agreed to them', () => {
    expect(returnDeadline('R06', '2026-03-02')).toBeNull();
    expect(isLateReturn('R31', '2026-03-02', '2027-03-02')).toBe(false);
  });

  it('gives an unknown code the common 2 banking days', () => {
    expect(returnDeadline('X42', '2026-03-02')).toBe('2026-03-04');
    expect(isLateReturn('X42', '2026-03-02', '2026-03-05')).toBe(true);
  });

  it('refuses dates not written YYYY-MM-DD', () => {
    expect(() => returnDeadline('R01', '03/02/2026')).toThrow(RangeError);
    expect(() => isLateReturn('R01', '2026-03-02', '2026-02-30')).toThrow(RangeError);
  });

  it('every deadline is a banking day at least 2 banking days on, and the ACH money-final day is the latest (property)', () => {
    const day = fc.integer({ min: 0, max: 365 * 20 }).map((n) => addDays('2020-01-01', n));
    fc.assert(
      fc.property(day, fc.constantFrom(...ACH_RETURN_CODES, 'R99'), (settledOn, code) => {
        const deadline = returnDeadline(code, settledOn);
        if (deadline === null) return ['R06', 'R31'].includes(code);
        return isBusinessDay(deadline) && deadline >= addBusinessDays(settledOn, 2) && deadline <= moneyFinalOn('ach', settledOn)
          && !isLateReturn(code, settledOn, deadline) && isLateReturn(code, settledOn, addDays(deadline, 1));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('moneyFinalOn', () => {
  it('ACH: the last day a consumer\'s unauthorized return may settle', () => {
    // Day 60 after Monday 2026-03-02 is Friday 05-01; the banking day following is Monday 05-04.
    expect(moneyFinalOn('ach', '2026-03-02')).toBe('2026-05-04');
    expect(moneyFinalOn('ach', '2026-03-02')).toBe(returnDeadline('R10', '2026-03-02'));
  });

  it('card: 120 calendar days, weekends included', () => {
    expect(moneyFinalOn('card', '2026-03-02')).toBe('2026-06-30');
    expect(moneyFinalOn('card', '2026-11-01')).toBe('2027-03-01');
  });
});

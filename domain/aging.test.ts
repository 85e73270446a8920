import {
  bucketFor, netReceivableCents, nextAgingRefreshAt, summarizeAging, weightedDaysOverdueX100,
  type AdjustmentInput, type OpenInvoiceInput, type StatementInput,
} from './aging';

const CHICAGO = 'America/Chicago';

function invoice(dueDate: string, balanceCents: number, status = 'open'): OpenInvoiceInput {
  return { dueDate, balanceCents, status };
}

describe('aging in the dealer time zone', () => {
  const dueToday = [invoice('2026-11-05', 10_000)];

  it('keeps an invoice due today current at 23:30 in Chicago, although UTC is already the next day', () => {
    const now = new Date('2026-11-06T05:30:00Z'); // 23:30 CST on Nov 5
    const summary = summarizeAging({ dealerTimeZone: CHICAGO, now, invoices: dueToday });
    expect(summary.asOf).toBe('2026-11-05');
    expect(summary.currentCents).toBe(10_000);
    expect(summary.pastDueCents).toBe(0);
    // The same instant measured in UTC would already call it past due.
    expect(summarizeAging({ dealerTimeZone: 'UTC', now, invoices: dueToday }).pastDueCents).toBe(10_000);
  });

  it('makes it past due at 00:30 the next day in Chicago', () => {
    const now = new Date('2026-11-06T06:30:00Z'); // 00:30 CST on Nov 6
    const summary = summarizeAging({ dealerTimeZone: CHICAGO, now, invoices: dueToday });
    expect(summary.asOf).toBe('2026-11-06');
    expect(summary).toMatchObject({ currentCents: 0, pastDueCents: 10_000, aging1To30Cents: 10_000, pastDueInvoiceCount: 1, weightedDaysOverdueX100: 100 });
  });

  it('flips at local midnight while UTC still says the due date (a dealer east of UTC)', () => {
    const now = new Date('2026-11-05T23:30:00Z'); // 00:30 on Nov 6 in Berlin
    expect(summarizeAging({ dealerTimeZone: 'Europe/Berlin', now, invoices: dueToday }).pastDueCents).toBe(10_000);
    expect(summarizeAging({ dealerTimeZone: 'UTC', now, invoices: dueToday }).pastDueCents).toBe(0);
  });

  it('follows daylight saving: 23:30 CDT on the due date is still current', () => {
    const now = new Date('2026-07-02T04:30:00Z'); // 23:30 CDT on Jul 1
    expect(summarizeAging({ dealerTimeZone: CHICAGO, now, invoices: [invoice('2026-07-01', 500)] }).currentCents).toBe(500);
  });
});

describe('aging buckets', () => {
  it('puts each day count in the right bucket, boundaries included', () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map(bucketFor)).toEqual([
      'current', 'current', 'days_1_30', 'days_1_30', 'days_31_60', 'days_31_60', 'days_61_90', 'days_61_90', 'days_91_plus', 'days_91_plus',
    ]);
  });

  it('sums open balances per bucket and counts invoices', () => {
    const now = new Date('2026-12-31T18:00:00Z'); // Dec 31 in Chicago
    const summary = summarizeAging({
      dealerTimeZone: CHICAGO,
      now,
      invoices: [
        invoice('2027-01-15', 1_000), // current
        invoice('2026-12-31', 2_000), // due today: current
        invoice('2026-12-01', 3_000), // 30 days
        invoice('2026-11-30', 4_000), // 31 days
        invoice('2026-11-01', 5_000), // 60 days
        invoice('2026-10-31', 6_000), // 61 days
        invoice('2026-10-02', 7_000), // 90 days
        invoice('2026-10-01', 8_000), // 91 days
      ],
    });
    expect(summary).toEqual({
      asOf: '2026-12-31',
      outstandingCents: 36_000,
      currentCents: 3_000,
      pastDueCents: 33_000,
      aging1To30Cents: 3_000,
      aging31To60Cents: 9_000,
      aging61To90Cents: 13_000,
      aging91PlusCents: 8_000,
      openInvoiceCount: 8,
      currentInvoiceCount: 2,
      pastDueInvoiceCount: 6,
      // (3000·30 + 4000·31 + 5000·60 + 6000·61 + 7000·90 + 8000·91) / 33000 = 67.8181… days
      weightedDaysOverdueX100: 6782,
      debitAdjustmentsCents: 0,
      creditAdjustmentsCents: 0,
      discountsCents: 0,
    });
    expect(summary.currentCents + summary.pastDueCents).toBe(summary.outstandingCents);
  });
});

describe('open balances only', () => {
  const now = new Date('2026-11-20T18:00:00Z');

  it('counts what is left of a partly paid invoice and leaves out paid, void and zero-balance ones', () => {
    const summary = summarizeAging({
      dealerTimeZone: CHICAGO,
      now,
      invoices: [
        invoice('2026-11-10', 2_500, 'partially_paid'),
        invoice('2026-11-10', 0, 'paid'),
        invoice('2026-11-10', 9_999, 'void'),
        invoice('2026-11-10', 0, 'open'),
      ],
    });
    expect(summary).toMatchObject({ outstandingCents: 2_500, pastDueCents: 2_500, openInvoiceCount: 1, pastDueInvoiceCount: 1 });
  });

  it('totals open debit and credit adjustments and leaves out applied and void ones', () => {
    const adjustments: AdjustmentInput[] = [
      { kind: 'debit', status: 'open', balanceCents: 700 },
      { kind: 'debit', status: 'partially_applied', balanceCents: 300 },
      { kind: 'debit', status: 'applied', balanceCents: 0 },
      { kind: 'credit', status: 'open', balanceCents: 1_200 },
      { kind: 'credit', status: 'void', balanceCents: 5_000 },
      { kind: 'credit', status: 'applied', balanceCents: 0 },
    ];
    const summary = summarizeAging({ dealerTimeZone: CHICAGO, now, invoices: [invoice('2026-12-01', 10_000)], adjustments });
    expect(summary).toMatchObject({ debitAdjustmentsCents: 1_000, creditAdjustmentsCents: 1_200 });
    expect(netReceivableCents(summary)).toBe(9_800);
  });

  it('counts statement discounts only while they can still be taken, through the discount date in local time', () => {
    const statements: StatementInput[] = [
      { status: 'open', discountCents: 150, discountDate: '2026-11-20', dueDate: '2026-11-30' },
      { status: 'open', discountCents: 90, discountDate: '2026-11-19', dueDate: '2026-11-30' },
      { status: 'paid', discountCents: 40, discountDate: '2026-11-25', dueDate: '2026-11-30' },
      { status: 'open', discountCents: 25, discountDate: null, dueDate: '2026-11-20' },
    ];
    expect(summarizeAging({ dealerTimeZone: CHICAGO, now, invoices: [], statements }).discountsCents).toBe(175);
    const nextDayInChicago = new Date('2026-11-21T06:01:00Z');
    expect(summarizeAging({ dealerTimeZone: CHICAGO, now: nextDayInChicago, invoices: [], statements }).discountsCents).toBe(0);
  });
});

describe('weighted average days overdue', () => {
  it('weights by open balance over past-due invoices only; current invoices do not dilute it', () => {
    const now = new Date('2026-11-20T18:00:00Z');
    const summary = summarizeAging({
      dealerTimeZone: CHICAGO,
      now,
      invoices: [invoice('2026-11-10', 100), invoice('2026-10-10', 200), invoice('2026-12-31', 1_000_000)],
    });
    // (100·10 + 200·41) / 300 = 30.666… → 30.67
    expect(summary.weightedDaysOverdueX100).toBe(3067);
  });

  it('is zero when nothing is past due and rounds half up in integers', () => {
    expect(weightedDaysOverdueX100(0n, 0)).toBe(0);
    expect(weightedDaysOverdueX100(1n, 200)).toBe(1); // 0.005 day → 0.01
    expect(weightedDaysOverdueX100(1n, 201)).toBe(0);
  });

  it('does not lose precision on very large accounts', () => {
    const balance = 900_000_000_000; // $9 billion at 3,650 days
    const summary = summarizeAging({ dealerTimeZone: 'UTC', now: new Date('2030-01-01T12:00:00Z'), invoices: [invoice('2020-01-04', balance)] });
    expect(summary.weightedDaysOverdueX100).toBe(365_000);
  });
});

describe('nightly aging refresh time', () => {
  it('is the next 00:05 in the dealer time zone', () => {
    expect(nextAgingRefreshAt(new Date('2026-11-20T18:00:00Z'), CHICAGO).toISOString()).toBe('2026-11-21T06:05:00.000Z');
    expect(nextAgingRefreshAt(new Date('2026-11-21T06:04:59Z'), CHICAGO).toISOString()).toBe('2026-11-21T06:05:00.000Z');
    expect(nextAgingRefreshAt(new Date('2026-11-21T06:05:00Z'), CHICAGO).toISOString()).toBe('2026-11-22T06:05:00.000Z');
    expect(nextAgingRefreshAt(new Date('2026-11-20T18:00:00Z'), 'America/Los_Angeles').toISOString()).toBe('2026-11-21T08:05:00.000Z');
  });

  it('follows daylight saving changes', () => {
    // Chicago falls back on Nov 1 2026: 00:05 CDT on Nov 1, 00:05 CST on Nov 2.
    expect(nextAgingRefreshAt(new Date('2026-10-31T12:00:00Z'), CHICAGO).toISOString()).toBe('2026-11-01T05:05:00.000Z');
    expect(nextAgingRefreshAt(new Date('2026-11-01T12:00:00Z'), CHICAGO).toISOString()).toBe('2026-11-02T06:05:00.000Z');
  });
});

import { amountsByJob, lienWaiverDocument, moneyIsFinal, type LienWaiverFields } from './lien-waivers';

const fields: LienWaiverFields = {
  kind: 'conditional', form: 'progress', state: 'TX', claimant: 'Ridgeline Lumber', customer: 'Hallmark Builders', customerAddress: null,
  jobName: 'Lot 14 Maple Ridge', jobNumber: 'J-14', paymentNumber: 'P-100200', amountCents: 1_734_56, throughDate: '2026-03-02',
};

describe('amountsByJob', () => {
  it('adds items and debits per job, takes credits off, and leaves out items on no job, discounts and jobs brought to nothing', () => {
    const amounts = amountsByJob([
      { jobId: 'a', itemType: 'invoice', amountCents: 1_000_00 },
      { jobId: 'a', itemType: 'debit', amountCents: 25_00 },
      { jobId: 'a', itemType: 'credit', amountCents: 100_00 },
      { jobId: 'b', itemType: 'invoice', amountCents: 50_00 },
      { jobId: 'b', itemType: 'credit', amountCents: 50_00 },
      { jobId: null, itemType: 'invoice', amountCents: 99_00 },
      { jobId: 'c', itemType: 'discount', amountCents: 10_00 },
    ]);
    expect([...amounts]).toEqual([['a', 925_00]]);
  });
});

describe('moneyIsFinal', () => {
  const settled = new Date('2026-03-02T18:00:00Z');
  it('holds an ACH payment until the banking day after its 60 calendar days has passed, in the dealer\'s time zone', () => {
    // 2026-05-01 + next banking day = Monday 2026-05-04 is the last day a return may come.
    expect(moneyIsFinal('ach', settled, new Date('2026-05-04T20:00:00Z'), 'America/Chicago')).toBe(false);
    expect(moneyIsFinal('ach', settled, new Date('2026-05-05T04:00:00Z'), 'America/Chicago')).toBe(false);
    expect(moneyIsFinal('ach', settled, new Date('2026-05-05T06:00:00Z'), 'America/Chicago')).toBe(true);
  });
  it('holds a card payment for the networks\' 120 days of disputes', () => {
    expect(moneyIsFinal('card', settled, new Date('2026-06-30T20:00:00Z'), 'America/Chicago')).toBe(false);
    expect(moneyIsFinal('card', settled, new Date('2026-07-01T12:00:00Z'), 'America/Chicago')).toBe(true);
  });
});

describe('lienWaiverDocument', () => {
  it('conditions a conditional waiver on the payment and limits a progress waiver to its amount and through-date', () => {
    const document = lienWaiverDocument(fields);
    expect(document.title).toBe('Conditional Waiver and Release on Progress Payment');
    expect(document.paragraphs[0]).toContain('Upon receipt by the claimant of payment P-100200 in the amount of $1,734.56 from Hallmark Builders');
    expect(document.paragraphs[0]).toContain('through March 2, 2026, to the extent of $1,734.56 only');
    expect(document.facts).toContainEqual(['Through date', 'March 2, 2026']);
    expect(document.facts).toContainEqual(['Job', 'Lot 14 Maple Ridge (job J-14)']);
  });
  it('says an unconditional final waiver releases everything furnished to the job, whatever else happens', () => {
    const document = lienWaiverDocument({ ...fields, kind: 'unconditional', form: 'final' });
    expect(document.title).toBe('Unconditional Waiver and Release on Final Payment');
    expect(document.paragraphs[0]).toContain('has been paid $1,734.56');
    expect(document.paragraphs[0]).toContain('every lien, stop-payment notice and payment-bond right it has for all materials furnished to the job');
    expect(document.notice).toMatch(/unconditionally/);
  });
});

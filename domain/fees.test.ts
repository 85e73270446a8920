import fc from 'fast-check';
import { computeFees, feeScheduleFromDealer, surchargeCapCents, type CardFunding, type FeeSchedule } from './fees';
import { MoneyError } from './money';

const schedule = (overrides: Partial<FeeSchedule> = {}): FeeSchedule => ({
  feePayer: 'customer',
  achFeeCents: 150,
  cardCreditRateBps: 290,
  cardDebitRateBps: 150,
  cardFlatFeeCents: 30,
  surchargeForbiddenStates: ['CT', 'MA'],
  ...overrides,
});

describe('computeFees', () => {
  describe('ACH', () => {
    it('charges the flat ACH fee when the customer pays fees', () => {
      expect(computeFees({ method: 'ach', baseCents: 100_000, schedule: schedule() })).toEqual({
        customerFeeCents: 150,
        processingCostCents: 150,
        kind: 'ach_fee',
        reason: 'ach_flat_fee',
        explanation: 'A flat fee of $1.50 applies to bank (ACH) payments.',
      });
    });

    it('charges the customer nothing when the dealer absorbs fees, but records the cost', () => {
      const fees = computeFees({ method: 'ach', baseCents: 100_000, schedule: schedule({ feePayer: 'dealer' }) });
      expect(fees).toMatchObject({ customerFeeCents: 0, processingCostCents: 150, kind: 'none', reason: 'dealer_absorbs' });
      expect(fees.explanation).toMatch(/supplier covers/);
    });

    it('says so when ACH is free', () => {
      expect(computeFees({ method: 'ach', baseCents: 5_000, schedule: schedule({ achFeeCents: 0 }) })).toMatchObject({
        customerFeeCents: 0, processingCostCents: 0, kind: 'none', reason: 'ach_no_fee',
      });
    });

    it('ignores card details on an ACH payment', () => {
      const fees = computeFees({ method: 'ach', cardFunding: 'credit', billingState: 'CT', baseCents: 5_000, schedule: schedule() });
      expect(fees.customerFeeCents).toBe(150);
    });
  });

  describe('card', () => {
    it('surcharges a credit card at the credit rate plus the flat fee', () => {
      // 2.90% of $1,000.00 = $29.00, + $0.30 = $29.30 (under the 3% cap of $30.00).
      const fees = computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 100_000, schedule: schedule() });
      expect(fees).toMatchObject({ customerFeeCents: 2_930, kind: 'card_surcharge', reason: 'credit_surcharge' });
      expect(fees.explanation).toBe('A credit card surcharge of $29.30 (2.90% + $0.30) applies. Debit cards carry no surcharge.');
      // The processor prices the whole transfer: 2.90% of $1,029.30 = $29.8497 → $29.85, + $0.30.
      expect(fees.processingCostCents).toBe(2_985 + 30);
    });

    it('caps the surcharge at 3% of the base, rounded down', () => {
      // $10.01: 2.90% = 29.029¢ → 29¢, + 30¢ = 59¢; cap = floor(30.03¢) = 30¢.
      const fees = computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 1_001, schedule: schedule() });
      expect(fees).toMatchObject({ customerFeeCents: 30, kind: 'card_surcharge', reason: 'credit_surcharge_capped' });
      expect(fees.explanation).toMatch(/\$0\.30 applies \(limited to 3% of the amount paid\)/);
      // A rate above 3% is capped too.
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 100_000, schedule: schedule({ cardCreditRateBps: 400, cardFlatFeeCents: 0 }) }).customerFeeCents).toBe(3_000);
    });

    it('rounds the cap down where half-away-from-zero would round up', () => {
      // 3% of 50¢ is 1.5¢: the cap is 1¢, never 2¢.
      expect(surchargeCapCents(50)).toBe(1);
      expect(surchargeCapCents(33)).toBe(0);
      expect(surchargeCapCents(34)).toBe(1);
      expect(surchargeCapCents(100_000)).toBe(3_000);
      expect(surchargeCapCents(9_007_199_254_740_991)).toBe(270_215_977_642_229);
    });

    it('charges nothing on a tiny credit card payment whose cap is zero', () => {
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 33, schedule: schedule() })).toMatchObject({
        customerFeeCents: 0, kind: 'none', reason: 'card_no_fee',
      });
    });

    it('rounds the percentage half away from zero before adding the flat fee', () => {
      // 2.50% of $0.50 = 1.25¢ → 1¢ ; 2.50% of $0.70 = 1.75¢ → 2¢ ; 1.00% of $0.50 = 0.5¢ → 1¢.
      const s = schedule({ cardCreditRateBps: 250, cardFlatFeeCents: 0 });
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 10_050, schedule: s }).customerFeeCents).toBe(251); // 251.25
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 10_070, schedule: s }).customerFeeCents).toBe(252); // 251.75
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 10_020, schedule: schedule({ cardCreditRateBps: 250, cardFlatFeeCents: 0 }) }).customerFeeCents).toBe(251); // 250.5
    });

    it.each<[CardFunding | undefined, string]>([
      ['debit', 'this is a debit card'],
      ['prepaid', 'this is a prepaid card'],
      ['unknown', 'could not be confirmed as a credit card'],
      [undefined, 'could not be confirmed as a credit card'],
    ])('never surcharges a card whose funding is %s', (cardFunding, why) => {
      const fees = computeFees({ method: 'card', cardFunding, billingState: 'TX', baseCents: 100_000, schedule: schedule() });
      expect(fees).toMatchObject({ customerFeeCents: 0, kind: 'none', reason: 'card_not_credit' });
      expect(fees.explanation).toContain(why);
    });

    it('records the debit rate as the cost of debit and prepaid cards, the credit rate otherwise', () => {
      const cost = (cardFunding: CardFunding) => computeFees({ method: 'card', cardFunding, billingState: 'TX', baseCents: 100_000, schedule: schedule() }).processingCostCents;
      expect(cost('debit')).toBe(1_500 + 30);
      expect(cost('prepaid')).toBe(1_500 + 30);
      expect(cost('unknown')).toBe(2_900 + 30);
    });

    it('never surcharges in a state the dealer marks as forbidding it, whatever the case or spacing', () => {
      for (const billingState of ['CT', 'ct', ' Ma ']) {
        const fees = computeFees({ method: 'card', cardFunding: 'credit', billingState, baseCents: 100_000, schedule: schedule() });
        expect(fees).toMatchObject({ customerFeeCents: 0, kind: 'none', reason: 'surcharge_forbidden_in_state' });
        expect(fees.processingCostCents).toBe(2_930);
      }
      const lower = schedule({ surchargeForbiddenStates: ['ct'] });
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'CT', baseCents: 100_000, schedule: lower }).customerFeeCents).toBe(0);
    });

    it('does not surcharge without a billing state when the dealer forbids any state', () => {
      for (const billingState of [undefined, null, '', '  ']) {
        expect(computeFees({ method: 'card', cardFunding: 'credit', billingState, baseCents: 100_000, schedule: schedule() }).reason).toBe('billing_state_unknown');
      }
      // A dealer that forbids no state may surcharge without knowing it.
      expect(computeFees({ method: 'card', cardFunding: 'credit', baseCents: 100_000, schedule: schedule({ surchargeForbiddenStates: [] }) }).customerFeeCents).toBe(2_930);
    });

    it('charges the customer nothing on cards when the dealer absorbs fees, and records the cost', () => {
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 100_000, schedule: schedule({ feePayer: 'dealer' }) })).toMatchObject({
        customerFeeCents: 0, processingCostCents: 2_930, kind: 'none', reason: 'dealer_absorbs',
      });
    });

    it('explains a card schedule without fees', () => {
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 100_000, schedule: schedule({ cardCreditRateBps: 0, cardFlatFeeCents: 0 }) })).toMatchObject({
        customerFeeCents: 0, processingCostCents: 0, reason: 'card_no_fee',
      });
    });

    it('describes a flat-only and a percent-only surcharge', () => {
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 100_000, schedule: schedule({ cardCreditRateBps: 0, cardFlatFeeCents: 250 }) }).explanation).toContain('($2.50)');
      expect(computeFees({ method: 'card', cardFunding: 'credit', billingState: 'TX', baseCents: 100_000, schedule: schedule({ cardCreditRateBps: 275, cardFlatFeeCents: 0 }) }).explanation).toContain('(2.75%)');
    });
  });

  it('charges and costs nothing when nothing is owed', () => {
    expect(computeFees({ method: 'ach', baseCents: 0, schedule: schedule() })).toMatchObject({ customerFeeCents: 0, processingCostCents: 0, reason: 'nothing_to_pay' });
  });

  it('refuses negative or fractional bases and broken schedules', () => {
    expect(() => computeFees({ method: 'ach', baseCents: -1, schedule: schedule() })).toThrow(MoneyError);
    expect(() => computeFees({ method: 'ach', baseCents: 10.5, schedule: schedule() })).toThrow(MoneyError);
    expect(() => computeFees({ method: 'ach', baseCents: 100, schedule: schedule({ achFeeCents: -1 }) })).toThrow(MoneyError);
    expect(() => computeFees({ method: 'card', baseCents: 100, schedule: schedule({ cardCreditRateBps: 10_001 }) })).toThrow(MoneyError);
    expect(() => computeFees({ method: 'card', baseCents: 100, schedule: schedule({ cardDebitRateBps: 1.5 }) })).toThrow(MoneyError);
    expect(() => computeFees({ method: 'card', baseCents: 100, schedule: schedule({ feePayer: 'nobody' as 'dealer' }) })).toThrow(MoneyError);
    expect(() => surchargeCapCents(-1)).toThrow(MoneyError);
  });

  it('reads a schedule from a dealers row', () => {
    expect(feeScheduleFromDealer({
      fee_payer: 'customer', ach_fee_cents: 100, card_credit_rate_bps: 300, card_debit_rate_bps: 100, card_flat_fee_cents: 25, surcharge_forbidden_states: ['ct', ' ma'],
    })).toEqual({ feePayer: 'customer', achFeeCents: 100, cardCreditRateBps: 300, cardDebitRateBps: 100, cardFlatFeeCents: 25, surchargeForbiddenStates: ['CT', 'MA'] });
    expect(feeScheduleFromDealer({
      fee_payer: 'dealer', ach_fee_cents: 0, card_credit_rate_bps: 0, card_debit_rate_bps: 0, card_flat_fee_cents: 0, surcharge_forbidden_states: null,
    }).surchargeForbiddenStates).toEqual([]);
    expect(() => feeScheduleFromDealer({
      fee_payer: 'customer', ach_fee_cents: -5, card_credit_rate_bps: 0, card_debit_rate_bps: 0, card_flat_fee_cents: 0, surcharge_forbidden_states: [],
    })).toThrow();
    expect(() => feeScheduleFromDealer({
      fee_payer: 'customer', ach_fee_cents: 0, card_credit_rate_bps: 0, card_debit_rate_bps: 0, card_flat_fee_cents: 0, surcharge_forbidden_states: ['Connecticut'],
    })).toThrow();
  });

  describe('properties (fast-check)', () => {
    const arbSchedule = fc.record({
      feePayer: fc.constantFrom<FeeSchedule['feePayer']>('dealer', 'customer'),
      achFeeCents: fc.integer({ min: 0, max: 2_000 }),
      cardCreditRateBps: fc.integer({ min: 0, max: 1_000 }),
      cardDebitRateBps: fc.integer({ min: 0, max: 1_000 }),
      cardFlatFeeCents: fc.integer({ min: 0, max: 500 }),
      surchargeForbiddenStates: fc.subarray(['CT', 'MA', 'CO', 'ME', 'OK']),
    });
    const arbInput = fc.record({
      method: fc.constantFrom<'ach' | 'card'>('ach', 'card'),
      cardFunding: fc.option(fc.constantFrom<CardFunding>('credit', 'debit', 'prepaid', 'unknown'), { nil: undefined }),
      billingState: fc.option(fc.constantFrom('CT', 'MA', 'TX', 'NY', 'co', ''), { nil: undefined }),
      baseCents: fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 100_000_000 })),
      schedule: arbSchedule,
    });

    it('never surcharges above 3% or on anything but a permitted credit card, and never charges a negative', () => {
      fc.assert(
        fc.property(arbInput, (input) => {
          const fees = computeFees(input);
          if (fees.customerFeeCents < 0 || fees.processingCostCents < 0) return false;
          if (!Number.isSafeInteger(fees.customerFeeCents) || !Number.isSafeInteger(fees.processingCostCents)) return false;
          if (input.schedule.feePayer === 'dealer' && fees.customerFeeCents !== 0) return false;
          if (input.method === 'card' && fees.customerFeeCents > 0) {
            if (input.cardFunding !== 'credit') return false;
            if (fees.customerFeeCents * 10_000 > input.baseCents * 300) return false;
            const state = input.billingState?.trim().toUpperCase();
            if (state && input.schedule.surchargeForbiddenStates.includes(state)) return false;
            if (!state && input.schedule.surchargeForbiddenStates.length > 0) return false;
            if (fees.kind !== 'card_surcharge') return false;
          }
          if (input.method === 'ach' && input.baseCents > 0 && input.schedule.feePayer === 'customer' && fees.customerFeeCents !== input.schedule.achFeeCents) return false;
          return (fees.kind === 'none') === (fees.customerFeeCents === 0) && fees.explanation.length > 0;
        }),
        { numRuns: 20_000 },
      );
    });

    it('records the same processing cost whoever pays when no fee is passed on', () => {
      fc.assert(
        fc.property(arbInput, (input) => {
          const dealerPays = computeFees({ ...input, schedule: { ...input.schedule, feePayer: 'dealer' } });
          const customerPays = computeFees({ ...input, schedule: { ...input.schedule, feePayer: 'customer' } });
          return customerPays.customerFeeCents > 0 || dealerPays.processingCostCents === customerPays.processingCostCents;
        }),
        { numRuns: 10_000 },
      );
    });
  });
});
